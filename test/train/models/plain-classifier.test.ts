/**
 * The fast training path (mlpx's layers with hand-written gradients: plain-matmul dense layers,
 * layer norm, the DFT, the patch embedding without an input gradient, gMLP's halved projection)
 * against the plain path (stock tfjs layers and autodiff, the bench baseline) with the same
 * weights: the same logits, the same loss and the same gradient for every weight, within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildPlainClassifier } from '@mlpx/train/src/models/build-plain-classifier.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES, type ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { crossEntropyLoss } from '@mlpx/train/src/training/metrics.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';

useBackend('wasm');

function lossAndGradients(model: tf.LayersModel, images: tf.Tensor, labels: tf.Tensor1D): { loss: number; grads: Float32Array[] } {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => crossEntropyLoss(model.apply(images, { training: false }) as tf.Tensor, labels), variables);
  const result = { loss: value.dataSync()[0]!, grads: variables.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

describe('fast path against the plain tfjs path', () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: same logits, loss and gradients within 1e-4`, () => {
      const config: ModelConfig = smallModelConfig(model);
      const pixels = Uint8Array.from({ length: 8 * 16 * 16 * 3 }, (_, i) => (i * 7919) % 256);
      randomSource.reseed(5);
      const fast = buildClassifier(config, channelStatistics(pixels, 3));
      const plain = buildPlainClassifier(config, channelStatistics(pixels, 3));
      // Random weights everywhere (biases and norms too), so that every gradient term matters.
      fast.setWeights(fast.getWeights().map((w, i) => (w.shape.length === 1 && w.size === 3 ? w : tf.randomNormal(w.shape, 0, 0.3, 'float32', 100 + i))));
      expect(plain.getWeights().map((w) => w.shape)).toEqual(fast.getWeights().map((w) => w.shape));
      plain.setWeights(fast.getWeights());
      const images = tf.tensor4d(Float32Array.from(pixels), [8, 16, 16, 3]);
      const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
      const fastLogits = (fast.predict(images) as tf.Tensor).dataSync();
      const plainLogits = (plain.predict(images) as tf.Tensor).dataSync();
      expectClose(fastLogits, plainLogits, { relative: 1e-4, what: 'logits' });
      const a = lossAndGradients(fast, images, labels);
      const b = lossAndGradients(plain, images, labels);
      expect(Math.abs(a.loss - b.loss) / b.loss).toBeLessThan(1e-4);
      expect(a.grads.length).toBe(b.grads.length);
      a.grads.forEach((grad, i) => expectClose(grad, b.grads[i]!, { relative: 1e-4, what: fast.trainableWeights[i]!.name }));
    });
  }
});
