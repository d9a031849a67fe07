/**
 * Inverted dropout drawing its mask seed from the training random stream, so that every step gets
 * a new mask and a seeded run repeats exactly. Identity outside training.
 */
import * as tf from '@tensorflow/tfjs';
import { randomSource } from '../random-source.js';

export function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  if (!training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, randomSource.nextSeed());
}
