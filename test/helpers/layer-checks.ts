/**
 * The checks every mlpx layer passes (after tfjs's own layer tests): output shape, config round
 * trip, save/load round trip with identical predictions, and no tensors leaked by a forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadModel, saveModel } from '@mlpx/train/src/run/model-files.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';

export async function checkLayer(options: {
  make: () => tf.layers.Layer;
  /** Without the batch axis. */
  inputShape: number[];
  /** Without the batch axis. */
  outputShape: number[];
}): Promise<void> {
  randomSource.reseed(11);
  const layer = options.make();
  const input = tf.input({ shape: options.inputShape });
  const output = layer.apply(input) as tf.SymbolicTensor;
  expect(output.shape.slice(1)).toEqual(options.outputShape);
  const model = tf.model({ inputs: input, outputs: output });

  // Config round trip: a layer rebuilt from its config has the same config.
  const config = layer.getConfig();
  const registered = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  expect(registered, `${layer.getClassName()} is registered`).toBeDefined();
  const [constructor, fromConfig] = registered!;
  const copy = fromConfig(constructor, config) as tf.layers.Layer;
  expect(copy.getConfig()).toEqual(config);

  const x = tf.randomNormal([3, ...options.inputShape], 0, 1, 'float32', 5);
  const expected = model.predict(x) as tf.Tensor;
  expect(expected.shape).toEqual([3, ...options.outputShape]);

  // No leaks: a second forward pass leaves the tensor count as it was.
  const before = tf.memory().numTensors;
  tf.dispose(model.predict(x) as tf.Tensor);
  tf.dispose(tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor));
  expect(tf.memory().numTensors).toBe(before);

  // Save/load round trip: identical predictions.
  const folder = await mkdtemp(join(tmpdir(), 'mlpx-layer-'));
  try {
    await saveModel(model, folder);
    const loaded = await loadModel(folder);
    const actual = loaded.predict(x) as tf.Tensor;
    expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([actual]);
    loaded.dispose();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  tf.dispose([x, expected]);
  model.dispose();
}
