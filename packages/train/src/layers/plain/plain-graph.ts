/**
 * Small helpers for writing a block of the plain baseline (each family's plainBlock) as a chain of
 * stock tfjs layers applied to symbolic tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { PlainLayerNormalization } from './plain-layers.js';

export type Apply = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

/** A layer as a step of a chain. */
export function layer(l: tf.layers.Layer): Apply {
  return (x) => l.apply(x) as tf.SymbolicTensor;
}

/** Applies the steps in order. */
export function chain(x: tf.SymbolicTensor, ...steps: Apply[]): tf.SymbolicTensor {
  return steps.reduce((y, step) => step(y), x);
}

export function add(a: tf.SymbolicTensor, b: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
}

/** Swaps the patch and channel axes. */
export const swap: () => Apply = () => layer(tf.layers.permute({ dims: [2, 1] }));

/** A layer normalization over channels (the stock one is pathologically slow to train in tfjs 4.22). */
export const norm: () => tf.layers.Layer = () => new PlainLayerNormalization();
