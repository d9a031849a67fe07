import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES, type ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { evaluate } from '@mlpx/train/src/training/evaluate.js';
import { fit } from '@mlpx/train/src/fit/fit.js';
import { useBackend } from '../../helpers/backend.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';
import { syntheticImages } from '../../helpers/synthetic-images.js';

useBackend('wasm');

const shape = { height: 16, width: 16, channels: 3 };

function smallConfig(model: ModelConfig['model']): ModelConfig {
  return smallModelConfig(model, { numClasses: 4, imageSize: 16, patchSize: 4, dropout: 0.1 });
}

describe('fit', () => {
  for (const name of MODEL_NAMES) {
    it(`trains ${name} on wasm and its loss falls`, async () => {
      randomSource.reseed(1);
      const train = syntheticImages({ count: 256, classes: 4, size: 16, channels: 3, seed: 2 });
      const validation = syntheticImages({ count: 64, classes: 4, size: 16, channels: 3, seed: 3 });
      const model = buildClassifier(smallConfig(name), channelStatistics(train.images, 3));
      const before = await evaluate(model, train, shape, 64);
      const tensorsBefore = tf.memory().numTensors;
      const result = await fit(model, { train, validation }, shape, { epochs: 3, batchSize: 32, learningRate: 0.003, weightDecay: 1e-4 });
      expect(tf.memory().numTensors, 'tensors leaked by training').toBe(tensorsBefore);
      const after = await evaluate(model, train, shape, 64);
      expect(result.history).toHaveLength(3);
      expect(after.loss).toBeLessThan(before.loss * 0.7);
      expect(result.history[2]!.loss).toBeLessThan(result.history[0]!.loss);
      model.dispose();
    });
  }

  it('is reproducible for a seed on the same backend', async () => {
    const train = syntheticImages({ count: 96, classes: 4, size: 16, channels: 3, seed: 2 });
    const validation = syntheticImages({ count: 32, classes: 4, size: 16, channels: 3, seed: 3 });
    const run = async (): Promise<Float32Array> => {
      randomSource.reseed(7);
      const model = buildClassifier(smallConfig('gmlp'), channelStatistics(train.images, 3));
      await fit(model, { train, validation }, shape, { epochs: 2, batchSize: 32, learningRate: 0.003, weightDecay: 1e-4 });
      const logits = tf.tidy(() => model.predict(tf.tensor4d(Float32Array.from(validation.images), [32, 16, 16, 3])) as tf.Tensor);
      const values = (await logits.data()) as Float32Array;
      logits.dispose();
      model.dispose();
      return values;
    };
    const first = await run();
    const second = await run();
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it("stops early on a validation set it cannot learn, restores the best epoch's weights, and leaks no tensors", async () => {
    const train = syntheticImages({ count: 96, classes: 4, size: 16, channels: 3, seed: 2 });
    // Other class patterns: what training learns does not transfer, so val_loss soon rises.
    const validation = syntheticImages({ count: 32, classes: 4, size: 16, channels: 3, seed: 99 });
    randomSource.reseed(3);
    const model = buildClassifier(smallConfig('mixer'), channelStatistics(train.images, 3));
    const tensorsBefore = tf.memory().numTensors;
    const result = await fit(model, { train, validation }, shape, {
      epochs: 12,
      batchSize: 32,
      learningRate: 0.01,
      weightDecay: 1e-4,
      earlyStoppingPatience: 1,
    });
    expect(tf.memory().numTensors, 'tensors leaked by training').toBe(tensorsBefore);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(12);
    expect(result.finalWeightsEpoch).toBe(result.bestEpoch);
    const best = result.history[result.bestEpoch - 1]!;
    expect(Math.min(...result.history.map((h) => h.valLoss))).toBe(best.valLoss);
    const restored = await evaluate(model, validation, shape, 32);
    expect(restored.loss).toBeCloseTo(best.valLoss, 4);
    model.dispose();
  });
});
