/**
 * One training step of a model on wasm and then on another backend (webgpu, tensorflow), from the
 * same weights, batch and random stream (dropout and augmentation on): the loss and every
 * trainable weight's gradient on each, for the backend parity tests to compare.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import type { ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { gatherBatch } from '@mlpx/train/src/training/batches.js';
import { crossEntropyLoss } from '@mlpx/train/src/training/metrics.js';
import { syntheticImages } from './synthetic-images.js';

export interface StepResult {
  readonly loss: number;
  /** d(loss)/d(weight), in the order of the model's trainable weights. */
  readonly grads: Float32Array[];
}

async function step(model: tf.LayersModel, images: tf.Tensor4D, labels: tf.Tensor1D): Promise<StepResult> {
  randomSource.reseed(123);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => crossEntropyLoss(model.apply(images, { training: true }) as tf.Tensor, labels), variables);
  const result = { loss: (await value.data())[0]!, grads: await Promise.all(variables.map(async (v) => (await grads[v.name]!.data()) as Float32Array)) };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

/** `config` takes 16x16x3 input; 8 synthetic images of its classes form the batch. */
export async function stepOnWasmAndOn(
  backend: 'webgpu' | 'tensorflow',
  config: ModelConfig,
): Promise<{ wasm: StepResult; other: StepResult; weightNames: string[] }> {
  await selectBackend('wasm');
  const data = syntheticImages({ count: 8, classes: config.numClasses, size: 16, channels: 3, seed: 4 });
  randomSource.reseed(9);
  const model = buildClassifier(config, channelStatistics(data.images, 3));
  const batch = gatherBatch(
    data,
    { height: 16, width: 16, channels: 3 },
    Array.from({ length: 8 }, (_, i) => i),
  );
  try {
    const wasm = await step(model, batch.images, batch.labels);
    await selectBackend(backend);
    const other = await step(model, batch.images, batch.labels);
    return { wasm, other, weightNames: model.trainableWeights.map((w) => w.originalName) };
  } finally {
    model.dispose();
    tf.dispose([batch.images, batch.labels]);
  }
}
