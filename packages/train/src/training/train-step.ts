/**
 * One optimisation step: forward in training mode (dropout, augmentation), cross-entropy,
 * gradients of every trainable variable, AdamW update. Returns the batch's [lossSum, correct,
 * top5Correct] as a tensor, so the caller reads it when it needs to (one sync per step).
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamW } from './adamw.js';
import { batchTotals, crossEntropyLoss } from './metrics.js';

export function trainStep(model: tf.LayersModel, optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor1D {
  let logits: tf.Tensor | undefined;
  try {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        // Kept past the gradient tape's scope for the metrics, and disposed below.
        logits = tf.keep(model.apply(images, { training: true }) as tf.Tensor);
        return crossEntropyLoss(logits, labels);
      }, [...variables]);
      value.dispose();
      optimizer.applyGradients(variables, variables.map((variable) => grads[variable.name]!));
      return batchTotals(logits!, labels);
    });
  } finally {
    logits?.dispose();
  }
}
