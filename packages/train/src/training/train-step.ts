/**
 * One optimisation step: forward in training mode (dropout, augmentation), cross-entropy,
 * gradients of every trainable variable, AdamW update. Returns the batch's [lossSum, correct,
 * top5Correct] as a tensor, so the caller reads it when it needs to (one sync per step).
 *
 * gradientsOfSlice is the step's first half for part of a batch: what each thread of
 * data-parallel training computes (parallel/data-parallel-step.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { randomSource, type BatchSlice } from '../layers/random-source.js';
import type { AdamW } from './adamw.js';
import { batchTotals, crossEntropyLoss } from './metrics.js';

export interface SliceGradients {
  /** d(loss)/d(variable), in the order of the variables. */
  readonly grads: tf.Tensor[];
  /** [lossSum, correct, top5Correct] over the slice's examples. */
  readonly totals: tf.Tensor1D;
}

/**
 * Gradients of this slice's share of the batch's mean loss, sum over its examples / slice.total,
 * so that the slices' gradients add up to the whole batch's. Random draws (augmentation, dropout)
 * are the slice's share of the whole batch's (random-source.ts).
 */
export function gradientsOfSlice(
  model: tf.LayersModel,
  variables: readonly tf.Variable[],
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  slice: BatchSlice,
): SliceGradients {
  let logits: tf.Tensor | undefined;
  randomSource.setBatchSlice(slice);
  try {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        // Kept past the gradient tape's scope for the metrics, and disposed below.
        logits = tf.keep(model.apply(images, { training: true }) as tf.Tensor);
        return tf.mul(crossEntropyLoss(logits, labels), images.shape[0] / slice.total) as tf.Scalar;
      }, [...variables]);
      value.dispose();
      return { grads: variables.map((variable) => grads[variable.name]!), totals: batchTotals(logits!, labels) };
    });
  } finally {
    randomSource.setBatchSlice(undefined);
    logits?.dispose();
  }
}

export function trainStep(model: tf.LayersModel, optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor1D {
  const { grads, totals } = gradientsOfSlice(model, variables, images, labels, { offset: 0, total: images.shape[0] });
  optimizer.applyGradients(variables, grads);
  tf.dispose(grads);
  return totals;
}
