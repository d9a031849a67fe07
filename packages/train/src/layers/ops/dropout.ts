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
import { defineOp } from '../../backend-api/op-forms.js';
import { randomSource } from '../random-source.js';
import { stepInput } from '../step-inputs.js';

/**
 * size values, each 1 / (1 - rate) with probability 1 - rate and 0 otherwise: values start ..
 * start + size of a seeded stream. The stream is counter-based: value i is decided by half of the
 * 32 bits of mulberry32's output for counter floor(i / 2) (state_j = seed + (j + 1) * C), the low
 * half for even i and the high half for odd i. So any stretch of the stream is computed directly
 * (a thread holding part of a batch draws its part of the whole batch's mask), and one hash
 * decides two values: half the work per value of a hash each. A value is kept when its 16 bits
 * are below round(keep * 2^16), so the drop rate is exact to 2^-17 (8e-6).
 */
export function dropoutMask(size: number, rate: number, seed: number, start = 0): Float32Array {
  // Written as the float32 bit patterns of scale and 0, selected arithmetically: ((bits - threshold)
  // >> 31) is all ones when bits < threshold (both below 2^16). Two to three times faster than
  // writing floats through a select.
  const mask = new Uint32Array(size);
  const scaleBits = new Uint32Array(Float32Array.of(1 / (1 - rate)).buffer)[0]!;
  const threshold = keepThreshold(rate);
  let i = 0;
  let pair = Math.floor(start / 2);
  if (start % 2 === 1 && size > 0) {
    mask[0] = (((pairBits(seed, pair) >>> 16) - threshold) >> 31) & scaleBits;
    i = 1;
    pair++;
  }
  let state = (seed + Math.imul(pair, 0x6d2b79f5)) | 0;
  for (; i + 1 < size; i += 2) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    t ^= t >>> 14;
    mask[i] = (((t & 0xffff) - threshold) >> 31) & scaleBits;
    mask[i + 1] = (((t >>> 16) - threshold) >> 31) & scaleBits;
  }
  if (i < size) {
    state = (state + 0x6d2b79f5) | 0;
    mask[i] = (((mixState(state) & 0xffff) - threshold) >> 31) & scaleBits;
  }
  return new Float32Array(mask.buffer);
}

/**
 * The mask dropoutMask(batch * rows * cols, rate, draw.seed, draw.start) draws for a [batch, rows, cols]
 * tensor, laid out as [batch, cols, rows] (its last two axes swapped): the same values, written
 * in the order a transposed tensor reads them, so that a form computing on the transposed
 * layout applies the same mask without a transpose.
 */
export function dropoutMaskSwapped(shape: readonly [batch: number, rows: number, cols: number], rate: number, draw: MaskDraw): Float32Array {
  const [batch, rows, cols] = shape;
  const { seed, start } = draw;
  const matrix = rows * cols;
  const swapped = new Uint32Array(batch * matrix);
  if (start % 2 === 1 || cols % 2 === 1) {
    // Pairs of values straddle rows: swap the plain mask.
    const plain = new Uint32Array(dropoutMask(batch * matrix, rate, seed, start).buffer);
    for (let b = 0; b < batch; b++) {
      const base = b * matrix;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) swapped[base + c * rows + r] = plain[base + r * cols + c]!;
      }
    }
    return new Float32Array(swapped.buffer);
  }
  // Each row of the plain mask is whole pairs: draw it in the stream's order, as dropoutMask does,
  // and write each pair where the swapped layout holds it (one matrix at a time stays in cache).
  const scaleBits = new Uint32Array(Float32Array.of(1 / (1 - rate)).buffer)[0]!;
  const threshold = keepThreshold(rate);
  let state = (seed + Math.imul(start / 2, 0x6d2b79f5)) | 0;
  for (let b = 0; b < batch; b++) {
    const base = b * matrix;
    for (let r = 0; r < rows; r++) {
      for (let at = base + r; at < base + matrix; at += 2 * rows) {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        t ^= t >>> 14;
        swapped[at] = (((t & 0xffff) - threshold) >> 31) & scaleBits;
        swapped[at + rows] = (((t >>> 16) - threshold) >> 31) & scaleBits;
      }
    }
  }
  return new Float32Array(swapped.buffer);
}

/** A value is kept when its 16 bits are below this: P = threshold / 2^16, within 2^-17 of 1 - rate. */
function keepThreshold(rate: number): number {
  return Math.round((1 - rate) * 65536);
}

/** mulberry32's output for a state. */
function mixState(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}

/** The 32 bits deciding values 2 * pair and 2 * pair + 1. */
function pairBits(seed: number, pair: number): number {
  return mixState((seed + Math.imul(pair + 1, 0x6d2b79f5)) | 0);
}

/** A mask's draw from the training stream: its seed, and where this thread's part of the whole batch's mask starts. */
export interface MaskDraw {
  readonly seed: number;
  readonly start: number;
}

/**
 * The next mask's draw from the training stream for a [batch, ...] tensor of this shape: its seed,
 * and where this thread's part of the whole batch's mask starts in the stream (random-source.ts).
 */
function nextMaskDraw(shape: readonly number[]): MaskDraw {
  const batch = shape[0]!;
  const { offset } = randomSource.batchSlice(batch);
  return { seed: randomSource.nextSeed(), start: offset * (shape.reduce((a, b) => a * b, 1) / batch) };
}

/**
 * The mask dropoutMask(size, rate, seed, start) draws, as a tensor of `shape`; `draw` takes the
 * next draw from the training stream, and a form calls it once, where it makes the mask.
 */
export type DropoutMaskForm = (shape: readonly number[], rate: number, draw: () => MaskDraw) => tf.Tensor;

/** x times the next mask (`draw` as for DropoutMaskForm), forward and backward. */
export type DropoutForm = (x: tf.Tensor, rate: number, draw: () => MaskDraw) => tf.Tensor;

/**
 * The mask's forms. Plain: drawn in JavaScript and uploaded, a step input (step-inputs.ts). On
 * webgpu a shader draws the same mask, so that none is uploaded (backends/webgpu/ops/dropout.ts).
 */
export const dropoutMaskOp = defineOp<DropoutMaskForm>('dropoutMask', (shape, rate, draw) =>
  stepInput(() => {
    const { seed, start } = draw();
    return tf.tensor(
      dropoutMask(
        shape.reduce((a, b) => a * b, 1),
        rate,
        seed,
        start,
      ),
      [...shape],
      'float32',
    );
  }),
);

/**
 * Dropout's forms. Plain: x times the mask of dropoutMaskOp. On webgpu the mask is computed inside
 * the shader that applies it, forward and backward, and never stored.
 */
export const dropoutOp = defineOp<DropoutForm>('dropout', (x, rate, draw) => tf.tidy(() => tf.mul(x, dropoutMaskOp.form()(x.shape, rate, draw))));

/**
 * The next mask for a [batch, ...] tensor of this shape, drawn from the training stream, as a
 * tensor (the blocks' TensorFlow forms apply it themselves); undefined when nothing is dropped.
 */
export function dropoutMaskTensor(shape: readonly number[], rate: number, training: boolean): tf.Tensor | undefined {
  if (!training || rate === 0) return undefined;
  return dropoutMaskOp.form()(shape, rate, () => nextMaskDraw(shape));
}

/**
 * The mask dropoutMaskTensor([batch, rows, cols]) would draw (the same draw from the training
 * stream), as a [batch, cols, rows] tensor: for a form that holds the tensor transposed.
 */
export function dropoutMaskTensorSwapped(shape: readonly [number, number, number], rate: number, training: boolean): tf.Tensor | undefined {
  if (!training || rate === 0) return undefined;
  const [batch, rows, cols] = shape;
  return stepInput(() => tf.tensor(dropoutMaskSwapped(shape, rate, nextMaskDraw(shape)), [batch, cols, rows], 'float32'));
}

export function dropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  if (!training || rate === 0) return x;
  // The same draw from the stream as dropoutMaskTensor's.
  return dropoutOp.form()(x, rate, () => nextMaskDraw(x.shape));
}
