/**
 * The hand-written gradients of the training step's hot ops against tfjs's autodiff of the same
 * forward computation: dense layers (plain matmuls; also the form whose input gets no gradient)
 * and layer normalization. Same values and same gradients within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { denseLastAxis, denseLastAxisAutodiff } from '@mlpx/train/src/layers/ops/dense.js';
import { layerNorm, layerNormAutodiff } from '@mlpx/train/src/layers/ops/layer-norm.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';

useBackend('wasm');

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
      expectClose(await denseLastAxis(x, w, b).data(), await denseLastAxisAutodiff(x, w, b).data(), { relative: 1e-4, what: 'output' });
      for (let i = 0; i < 3; i++) expectClose(await fast[i]!.data(), await plain[i]!.data(), { relative: 1e-4, what: ['dx', 'dW', 'db'][i]! });
      tf.dispose([x, w, b, upstream, ...fast, ...plain]);
    });
  }
});

describe('denseLastAxis without an input gradient', () => {
  it("has autodiff's kernel and bias gradients, and gives the input none", async () => {
    const x = tf.randomNormal([4, 16, 48], 0, 1, 'float32', 1);
    const w = tf.randomNormal([48, 32], 0, 0.2, 'float32', 2);
    const b = tf.randomNormal([32], 0, 0.2, 'float32', 3);
    const upstream = tf.randomNormal([4, 16, 32], 0, 1, 'float32', 4);
    const fast = tf.grads((ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(upstream, denseLastAxis(x, ws, bs, { inputGradient: false }))))([w, b]);
    const plain = tf.grads((ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(upstream, denseLastAxisAutodiff(x, ws, bs))))([w, b]);
    for (let i = 0; i < 2; i++) expectClose(await fast[i]!.data(), await plain[i]!.data(), { relative: 1e-4, what: ['dW', 'db'][i]! });
    expect(() => tf.grad((xs: tf.Tensor) => tf.sum(denseLastAxis(xs, w, b, { inputGradient: false })))(x)).toThrow(/Cannot compute gradient/);
    tf.dispose([x, w, b, upstream, ...fast, ...plain]);
  });
});

describe('layerNorm', () => {
  for (const [batch, rows, features, offset] of [
    [2, 5, 7, 0],
    [16, 64, 256, 3],
  ] as const) {
    it(`has autodiff's value and gradients for [${batch}, ${rows}, ${features}]`, async () => {
      const x = tf.add(tf.randomNormal([batch, rows, features], 0, 2, 'float32', 1), offset);
      const gamma = tf.randomNormal([features], 1, 0.3, 'float32', 2);
      const beta = tf.randomNormal([features], 0, 0.3, 'float32', 3);
      const upstream = tf.randomNormal([batch, rows, features], 0, 1, 'float32', 4);
      const loss = (norm: typeof layerNorm) => (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(upstream, norm(xs, g, b)));
      const fast = tf.grads(loss(layerNorm))([x, gamma, beta]);
      const plain = tf.grads(loss(layerNormAutodiff))([x, gamma, beta]);
      expectClose(await layerNorm(x, gamma, beta).data(), await layerNormAutodiff(x, gamma, beta).data(), { relative: 1e-4, what: 'output' });
      for (let i = 0; i < 3; i++) expectClose(await fast[i]!.data(), await plain[i]!.data(), { relative: 1e-4, what: ['dx', 'dgamma', 'dbeta'][i]! });
      tf.dispose([x, gamma, beta, upstream, ...fast, ...plain]);
    });
  }
});
