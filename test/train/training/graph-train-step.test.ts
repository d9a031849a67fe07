/**
 * The training step on native TensorFlow runs as one recorded graph per batch shape
 * (backends/tensorflow/graph/): from the same weights, batches and random stream, a run of steps through
 * GraphTrainStep gives what trainStep gives op by op: the same losses and counts every step, the
 * same weights and AdamW moments after the last, the same optimizer step and the random stream
 * left in the same state (the step inputs, masks and augmentation taps, were drawn afresh each
 * step, in the same order). A batch of another size (an epoch's last) records a graph of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES, type ModelConfig, type ModelName } from '@mlpx/train/src/models/model-config.js';
import { AdamW } from '@mlpx/train/src/training/adamw.js';
import { gatherBatch } from '@mlpx/train/src/training/batches.js';
import { GraphTrainStep } from '@mlpx/train/src/backends/tensorflow/graph/graph-train-step.js';
import { OpRecorder } from '@mlpx/train/src/backends/tensorflow/graph/op-recorder.js';
import { tensorflowBackend } from '@mlpx/train/src/backends/tensorflow/tfjs-node-backend.js';
import { trainStep } from '@mlpx/train/src/training/train-step.js';
import { expectClose } from '../../helpers/closeness.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';
import { syntheticImages } from '../../helpers/synthetic-images.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

function config(model: ModelName): ModelConfig {
  return smallModelConfig(model, { numClasses: 5, imageSize: 24, patchSize: 4, embeddingDim: 20 });
}

/**
 * Batches of 8, 8, 8, 5 and 8 images: the 5 records a second graph, the last 8 reuses the first;
 * the learning rate is halved before the third.
 */
const BATCH_SIZES = [8, 8, 8, 5, 8];

interface Run {
  readonly totals: Float32Array[];
  readonly weights: Float32Array[];
  readonly moments: Float32Array[];
  readonly step: number;
  readonly random: string;
}

type StepFunction = (model: tf.LayersModel, optimizer: AdamW, variables: tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D) => Promise<tf.Tensor1D>;

interface Runner {
  step: StepFunction;
  close(): Promise<void>;
}

async function train(name: ModelName, stepWith: (model: tf.LayersModel) => Runner): Promise<Run> {
  const data = syntheticImages({ count: 40, classes: 5, size: 16, channels: 3, seed: 4 });
  randomSource.reseed(9);
  const model = buildClassifier(config(name), channelStatistics(data.images, 3));
  const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const runner = stepWith(model);
  const totals: Float32Array[] = [];
  let offset = 0;
  try {
    for (const [i, size] of BATCH_SIZES.entries()) {
      // As ReduceLROnPlateau does between epochs: the graph's step size follows the optimizer's rate.
      if (i === 2) optimizer.learningRate /= 2;
      const batch = gatherBatch(
        data,
        { height: 16, width: 16, channels: 3 },
        Array.from({ length: size }, (_, i) => offset + i),
      );
      offset += size;
      const values = await runner.step(model, optimizer, variables, batch.images, batch.labels);
      totals.push((await values.data()) as Float32Array);
      tf.dispose([values, batch.images, batch.labels]);
    }
    const state = await optimizer.exportState(variables);
    return {
      totals,
      weights: await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array)),
      moments: [...state.m, ...state.v].map((values) => values!),
      step: optimizer.step,
      random: JSON.stringify(randomSource.state()),
    };
  } finally {
    await runner.close();
    optimizer.dispose();
    model.dispose();
  }
}

function expectSameRun(graph: Run, opByOp: Run, what: string): void {
  graph.totals.forEach((values, i) => {
    expect(Math.abs(values[0]! - opByOp.totals[i]![0]!) / opByOp.totals[i]![0]!, `${what}: loss of step ${i + 1}`).toBeLessThan(1e-4);
    expect([values[1], values[2]], `${what}: correct and top-5 of step ${i + 1}`).toEqual([opByOp.totals[i]![1], opByOp.totals[i]![2]]);
  });
  graph.weights.forEach((values, i) => expectClose(values, opByOp.weights[i]!, { absolute: 1e-5, what: `${what}: weight ${i}` }));
  graph.moments.forEach((values, i) => expectClose(values, opByOp.moments[i]!, { absolute: 1e-5, relative: 1e-3, what: `${what}: moment ${i}` }));
  expect(graph.step).toBe(opByOp.step);
  expect(graph.random).toBe(opByOp.random);
}

describeWithTensorflow('the training step as a TensorFlow graph', () => {
  for (const name of MODEL_NAMES) {
    it(`${name}: five steps as graphs match five steps op by op`, async () => {
      await selectBackend('tensorflow');
      const opByOp = await train(name, () => ({ step: (model, ...args) => Promise.resolve(trainStep(model, ...args)), close: async () => {} }));
      const warnings: string[] = [];
      let shapes: string[] = [];
      const graph = await train(name, (model) => {
        const runner = new GraphTrainStep(model, (message) => warnings.push(message));
        return {
          step: (_model, ...args) => runner.step(...args),
          close: async () => {
            shapes = runner.graphShapes();
            await runner.close();
          },
        };
      });
      expect(warnings).toEqual([]);
      expect(shapes).toEqual(['8x16x16x3', '5x16x16x3']);
      expectSameRun(graph, opByOp, name);
    }, 120_000);
  }

  it('refuses to record a step that reads a tensor back to the host', async () => {
    await selectBackend('tensorflow');
    const recorder = new OpRecorder(tensorflowBackend());
    const x = tf.tensor1d([1, 2, 3]);
    recorder.feed(x, 'x');
    expect(() => recorder.record(() => tf.tidy(() => tf.tensor1d(tf.mul(x, 2).dataSync())))).toThrow(/read a tensor .* back to the host while being recorded/);
    x.dispose();
  });

  it('runs op by op, saying why once, when the step cannot be a graph', async () => {
    await selectBackend('tensorflow');
    const data = syntheticImages({ count: 8, classes: 5, size: 16, channels: 3, seed: 4 });
    randomSource.reseed(9);
    const model = buildClassifier(config('mixer'), channelStatistics(data.images, 3));
    const optimizer = new AdamW({ learningRate: 1e-3, weightDecay: 1e-4 });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const warnings: string[] = [];
    const runner = new GraphTrainStep(model, (message) => warnings.push(message));
    // A layer that reads its input back to the host: what a graph cannot hold.
    const apply = model.apply.bind(model);
    model.apply = ((inputs: tf.Tensor, kwargs: object) => apply(tf.add(inputs, tf.scalar(tf.max(inputs).dataSync()[0]! * 0)), kwargs)) as typeof model.apply;
    const batch = gatherBatch(data, { height: 16, width: 16, channels: 3 }, [0, 1, 2, 3, 4, 5, 6, 7]);
    for (let i = 0; i < 2; i++) tf.dispose(await runner.step(optimizer, variables, batch.images, batch.labels));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^training runs op by op on TensorFlow from here: the step could not run as one graph \(the training step read a tensor/);
    expect(optimizer.step).toBe(2);
    await runner.close();
    tf.dispose([batch.images, batch.labels]);
    optimizer.dispose();
    model.dispose();
  });
});
