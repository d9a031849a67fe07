/**
 * Data-parallel training (parallel/data-parallel-step.ts) against one thread: the same gradients
 * and batch totals within 1e-4, with augmentation and dropout on, and the random stream left in
 * the same state; and fit on two threads trains as fit on one does.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import { autoThreads, checkDataParallelBackend, DataParallelTrainStep, splitBatch } from '@mlpx/train/src/parallel/data-parallel-step.js';
import { fit } from '@mlpx/train/src/fit/fit.js';
import { gradientsOfSlice } from '@mlpx/train/src/training/train-step.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';
import { syntheticImages } from '../../helpers/synthetic-images.js';

useBackend('wasm');

describe('splitBatch and autoThreads', () => {
  it('splits a batch into contiguous runs as equal as possible, dropping empty ones', () => {
    expect(splitBatch(128, 2)).toEqual([
      [0, 64],
      [64, 64],
    ]);
    expect(splitBatch(7, 3)).toEqual([
      [0, 3],
      [3, 2],
      [5, 2],
    ]);
    expect(splitBatch(1, 2)).toEqual([[0, 1]]);
  });
  it('uses threads only on the CPU backends, and only with 16 examples each', () => {
    expect(autoThreads('webgpu', 128)).toBe(1);
    expect(autoThreads('wasm', 16)).toBe(1);
    expect(autoThreads('wasm', 128)).toBeGreaterThanOrEqual(1);
    expect(autoThreads('wasm', 128)).toBeLessThanOrEqual(4);
  });
});

describe('DataParallelTrainStep', () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: three threads give one thread's gradients, with augmentation and dropout`, async () => {
      const data = syntheticImages({ count: 20, classes: 10, size: 16, channels: 3, seed: 4 });
      randomSource.reseed(2);
      const classifier = buildClassifier(smallModelConfig(model), channelStatistics(data.images, 3));
      const variables = classifier.trainableWeights.map((w) => w.read() as tf.Variable);
      const images = tf.tensor4d(Float32Array.from(data.images), [20, 16, 16, 3]);
      const labels = tf.tensor1d(data.labels, 'int32');
      const parallel = await DataParallelTrainStep.start(classifier, 3);
      try {
        randomSource.reseed(7);
        const start = randomSource.state();
        const one = gradientsOfSlice(classifier, variables, images, labels, { offset: 0, total: 20 });
        const endOne = JSON.stringify(randomSource.state());
        randomSource.restore(start);
        const three = await parallel.gradients(variables, images, labels);
        expect(JSON.stringify(randomSource.state())).toBe(endOne);
        expectClose(await three.totals.data(), await one.totals.data(), { relative: 1e-4, what: 'totals' });
        one.grads.forEach((grad, i) => expectClose(three.grads[i]!.dataSync(), grad.dataSync(), { relative: 1e-4, what: variables[i]!.name }));
        tf.dispose([...one.grads, one.totals, ...three.grads, three.totals]);
      } finally {
        await parallel.close();
        tf.dispose([images, labels]);
        classifier.dispose();
      }
    });
  }

  it('reports a worker that cannot build the model as one clear error', async () => {
    // A layer class registered only in this thread: the worker cannot deserialize it.
    class OnlyHere extends tf.layers.Layer {
      static className = 'OnlyHereForTheTest';
    }
    tf.serialization.registerClass(OnlyHere);
    const input = tf.input({ shape: [4] });
    const model = tf.model({ inputs: input, outputs: new OnlyHere({}).apply(input) as tf.SymbolicTensor });
    await expect(DataParallelTrainStep.start(model, 2)).rejects.toThrow(/data-parallel training failed in a worker thread: .*OnlyHereForTheTest.*--threads 1/);
    model.dispose();
  });

  it('refuses fewer than two threads', async () => {
    const data = syntheticImages({ count: 4, classes: 10, size: 16, channels: 3, seed: 4 });
    const classifier = buildClassifier(smallModelConfig('mixer'), channelStatistics(data.images, 3));
    await expect(DataParallelTrainStep.start(classifier, 1)).rejects.toThrow(/2 or more threads/);
    classifier.dispose();
  });

  it('refuses a backend that is not on the CPU, naming the flag', () => {
    expect(() => checkDataParallelBackend('webgpu', 2)).toThrow(/--threads 2: data-parallel training runs on wasm or cpu, not webgpu/);
    expect(() => checkDataParallelBackend('webgpu', 1)).not.toThrow();
    expect(() => checkDataParallelBackend('wasm', 4)).not.toThrow();
  });
});

describe('fit on two threads', () => {
  it('gives the loss history of one thread, up to rounding, and leaks no tensors', async () => {
    const shape = { height: 16, width: 16, channels: 3 };
    const train = syntheticImages({ count: 96, classes: 10, size: 16, channels: 3, seed: 2 });
    const validation = syntheticImages({ count: 32, classes: 10, size: 16, channels: 3, seed: 3 });
    const run = async (threads: number): Promise<number[]> => {
      randomSource.reseed(1);
      const model = buildClassifier(smallModelConfig('gmlp'), channelStatistics(train.images, 3));
      const tensorsBefore = tf.memory().numTensors;
      const result = await fit(model, { train, validation }, shape, { epochs: 2, batchSize: 32, learningRate: 0.003, weightDecay: 1e-4, threads });
      expect(tf.memory().numTensors, 'tensors leaked by training').toBe(tensorsBefore);
      model.dispose();
      return result.history.flatMap((h) => [h.loss, h.valLoss]);
    };
    const one = await run(1);
    const two = await run(2);
    expectClose(two, one, { relative: 1e-3, what: 'loss and validation loss per epoch' });
  });
});
