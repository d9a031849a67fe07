/**
 * blockWithGradient (backends/tensorflow/block-gradient.ts), the one tape node of the blocks'
 * TensorFlow forms: the inputs arrive by name, the saved record comes back to the backward pass
 * with the same names (absent entries and nested records included), and each input gets the
 * gradient returned under its name, whatever order the backward pass writes them in; a backward
 * pass that leaves an input without a gradient is refused, naming it. It is plain tfjs, so it is
 * checked here on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { blockWithGradient } from '@mlpx/train/src/backends/tensorflow/block-gradient.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('cpu');

describe('blockWithGradient', () => {
  // value = a * b + 3c; its gradients are b, a and 3, computed from what the forward pass saved.
  const block = blockWithGradient(
    ({ a, b, c }: { a: tf.Tensor; b: tf.Tensor; c: tf.Tensor }) => ({
      value: tf.add(tf.mul(a, b), tf.mul(c, 3)),
      saved: { b, mask: undefined, halves: { a: tf.div(a, 2), three: tf.onesLike(c).mul(3) } },
    }),
    (dy, { b, mask, halves }) => {
      expect(mask).toBeUndefined();
      return { c: tf.mul(dy, halves.three), b: tf.mul(dy, tf.mul(halves.a, 2)), a: tf.mul(dy, b) };
    },
  );

  it('gives each input the gradient its name was given, from the named record the forward pass saved', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    const c = tf.tensor1d([7, 8, 9]);
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => block({ a: x, b: y, c: z }))([a, b, c]);
    expect(Array.from(await value.data())).toEqual([25, 34, 45]);
    expect(Array.from(await grads[0]!.data())).toEqual([4, 5, 6]);
    expect(Array.from(await grads[1]!.data())).toEqual([1, 2, 3]);
    expect(Array.from(await grads[2]!.data())).toEqual([3, 3, 3]);
    tf.dispose([a, b, c, value, ...grads]);
  });

  it('refuses a backward pass that gives an input no gradient, naming the input', () => {
    const partial = blockWithGradient(
      ({ a, b }: { a: tf.Tensor; b: tf.Tensor }) => ({ value: tf.mul(a, b), saved: { a } }),
      (dy, { a }) => ({ b: tf.mul(dy, a) }) as unknown as { a: tf.Tensor; b: tf.Tensor },
    );
    const a = tf.tensor1d([1]);
    expect(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => partial({ a: x, b: y }))([a, a])).toThrow(
      /the block's backward pass gave no gradient for its input a/,
    );
    a.dispose();
  });
});
