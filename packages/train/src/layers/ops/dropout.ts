/**
 * Inverted dropout drawing its mask seed from the training random stream, so that every step gets
 * a new mask and a seeded run repeats exactly. Identity outside training.
 *
 * The mask is drawn here rather than by tf.dropout: tfjs draws each value through seedrandom's
 * alea and then needs three more ops to make the mask, about 30 ms for a [128, 64, 256] tensor on
 * wasm, nine times a step. A mulberry32 stream writes the scaled mask (0 or 1 / keep) directly, in
 * about a third of that.
 */
import * as tf from '@tensorflow/tfjs';
import { randomSource } from '../random-source.js';

/**
 * size values, each 1 / (1 - rate) with probability 1 - rate and 0 otherwise: values start ..
 * start + size of a seeded mulberry32 stream. mulberry32 is a counter (state_i = seed + i * C), so
 * any stretch of the stream is computed directly: a thread holding part of a batch draws its part
 * of the whole batch's mask.
 */
export function dropoutMask(size: number, rate: number, seed: number, start = 0): Float32Array {
  const mask = new Float32Array(size);
  const keep = 1 - rate;
  const scale = 1 / keep;
  // P(uniform 32-bit value < threshold) = keep.
  const threshold = Math.floor(keep * 2 ** 32);
  let state = (seed + Math.imul(start, 0x6d2b79f5)) | 0;
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    // A select rather than a branch: the branch is mispredicted one time in five, which made
    // the loop twice as slow.
    mask[i] = (t ^ (t >>> 14)) >>> 0 < threshold ? scale : 0;
  }
  return mask;
}

/**
 * The next mask for a [batch, ...] tensor of this shape, drawn from the training stream, as a
 * tensor (the blocks' TensorFlow forms apply it themselves); undefined when nothing is dropped.
 */
export function dropoutMaskTensor(shape: readonly number[], rate: number, training: boolean): tf.Tensor | undefined {
  if (!training || rate === 0) return undefined;
  const batch = shape[0]!;
  const size = shape.reduce((a, b) => a * b, 1);
  const { offset } = randomSource.batchSlice(batch);
  return tf.tensor(dropoutMask(size, rate, randomSource.nextSeed(), offset * (size / batch)), [...shape], 'float32');
}

export function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  if (!training || rate === 0) return x;
  return tf.tidy(() => tf.mul(x, dropoutMaskTensor(x.shape, rate, training)!));
}
