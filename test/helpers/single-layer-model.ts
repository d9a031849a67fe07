/** A tiny tfjs model holding one layer, with random (seeded) weights so every weight matters. */
import * as tf from '@tensorflow/tfjs';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';

export const OPSETS_UNDER_TEST = [13, 17, 18, 20, 21] as const;

export function singleLayerModel(make: () => tf.layers.Layer, inputShape: number[], seed = 3): tf.LayersModel {
  randomSource.reseed(seed);
  const input = tf.input({ shape: inputShape });
  const layer = make();
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.weights.forEach((weight, i) => {
    weight.write(tf.randomNormal(weight.shape as number[], 0, 0.5, 'float32', seed * 100 + i));
  });
  return model;
}

/** Seeded input of the given shape, batch included. */
export function randomInput(shape: number[], seed = 9, scale = 1): tf.Tensor {
  return tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);
}
