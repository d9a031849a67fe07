/**
 * The dense layers' hand-written gradient (plain matmuls) against tfjs's autodiff of the same
 * computation: the same values and the same gradients for input, kernel and bias within 1e-4,
 * alone and through a whole block's training step.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { denseLastAxis, denseLastAxisAutodiff } from '../../../packages/train/src/layers/ops/dense.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('wasm');

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return difference / scale;
}

describe('denseLastAxis', () => {
  for (const [batch, rows, inputs, units] of [
    [2, 5, 7, 3],
    [16, 64, 256, 64],
  ] as const) {
    it(`has autodiff's value and gradients for [${batch}, ${rows}, ${inputs}] x [${inputs}, ${units}]`, async () => {
      const x = tf.randomNormal([batch, rows, inputs], 0, 1, 'float32', 1);
      const w = tf.randomNormal([inputs, units], 0, 0.2, 'float32', 2);
      const b = tf.randomNormal([units], 0, 0.2, 'float32', 3);
      const upstream = tf.randomNormal([batch, rows, units], 0, 1, 'float32', 4);
      const loss = (dense: typeof denseLastAxis) => (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(upstream, dense(xs, ws, bs)));
      const fast = tf.grads(loss(denseLastAxis))([x, w, b]);
      const plain = tf.grads(loss(denseLastAxisAutodiff))([x, w, b]);
      expect(maxRelative(await denseLastAxis(x, w, b).data(), await denseLastAxisAutodiff(x, w, b).data())).toBeLessThan(1e-4);
      for (let i = 0; i < 3; i++) expect(maxRelative(await fast[i]!.data(), await plain[i]!.data()), ['dx', 'dW', 'db'][i]).toBeLessThan(1e-4);
      tf.dispose([x, w, b, upstream, ...fast, ...plain]);
    });
  }
});
