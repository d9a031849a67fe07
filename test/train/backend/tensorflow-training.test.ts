/**
 * Training on native TensorFlow (tfjs-node's 'tensorflow' backend), whose layers take their
 * TensorFlow forms (one tape node per block, matmul flags): one training step of each model, from
 * the same weights, batch and random stream, gives the wasm backend's loss within 1e-4 and its
 * gradients within 1e-3 (relative).
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '../../../packages/train/src/backend/select-backend.js';
import { channelStatistics } from '../../../packages/train/src/layers/normalization.js';
import { randomSource } from '../../../packages/train/src/layers/random-source.js';
import { buildClassifier } from '../../../packages/train/src/models/build-classifier.js';
import { MODEL_NAMES, type ModelConfig, type ModelName } from '../../../packages/train/src/models/model-config.js';
import { gatherBatch } from '../../../packages/train/src/training/batches.js';
import { crossEntropyLoss } from '../../../packages/train/src/training/metrics.js';
import { expectClose } from '../../helpers/closeness.js';
import { syntheticImages } from '../../helpers/synthetic-images.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

const SHAPE = { height: 16, width: 16, channels: 3 };

/** 36 patches of 20 channels: patches and channels differ, so a swapped axis would show. */
function config(model: ModelName): ModelConfig {
  return { model, inputHeight: 16, inputWidth: 16, inputChannels: 3, numClasses: 5, imageSize: 24, patchSize: 4, embeddingDim: 20, blocks: 2, dropout: 0.2, gelu: 'exact' };
}

/** Loss and gradients of one training step (dropout and augmentation on), on the active backend. */
async function step(model: tf.LayersModel, images: tf.Tensor4D, labels: tf.Tensor1D): Promise<{ loss: number; grads: Float32Array[] }> {
  randomSource.reseed(123);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => crossEntropyLoss(model.apply(images, { training: true }) as tf.Tensor, labels), variables);
  const result = { loss: (await value.data())[0]!, grads: await Promise.all(variables.map(async (v) => (await grads[v.name]!.data()) as Float32Array)) };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

describeWithTensorflow('training on the tensorflow backend', () => {
  for (const name of MODEL_NAMES) {
    it(`${name}: one step matches wasm (loss within 1e-4, every gradient within 1e-3 relative)`, async () => {
      await selectBackend('wasm');
      const data = syntheticImages({ count: 8, classes: 5, size: 16, channels: 3, seed: 4 });
      randomSource.reseed(9);
      const model = buildClassifier(config(name), channelStatistics(data.images, 3));
      const batch = gatherBatch(data, SHAPE, Array.from({ length: 8 }, (_, i) => i));
      const wasm = await step(model, batch.images, batch.labels);
      await selectBackend('tensorflow');
      const native = await step(model, batch.images, batch.labels);
      expect(Math.abs(native.loss - wasm.loss) / Math.abs(wasm.loss)).toBeLessThan(1e-4);
      let worst = 0;
      wasm.grads.forEach((expected, i) => {
        const { relative } = expectClose(native.grads[i]!, expected, { relative: 1e-3, what: model.trainableWeights[i]!.originalName });
        worst = Math.max(worst, relative);
      });
      console.log(`${name}: loss ${wasm.loss.toFixed(6)} (wasm) vs ${native.loss.toFixed(6)} (tensorflow), largest relative gradient difference ${worst.toExponential(2)}`);
      model.dispose();
      tf.dispose([batch.images, batch.labels]);
    }, 120_000);
  }
});
