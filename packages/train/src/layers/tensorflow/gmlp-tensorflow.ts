/**
 * The gMLP block's TensorFlow form (gmlp-block.ts uses it on the tensorflow backend): the same
 * computation, as one tape node with its backward pass written out (block-gradient.ts).
 *
 *   x1 = LN1(x);  [u, v] = Dropout(GELU(Dense_2D(x1))), split along channels (one mask each)
 *   s = u * T(Dense_P(T(LN2(v))));   out = x1 + Dense_D(s)
 *   (T(Dense_P(T(n))) computed per example as Ws^T n + bs: no transposes)
 *
 * The projection to 2D channels is one matmul here, split afterwards: on TensorFlow one wide
 * matmul beats two narrow ones, and the split is a cheap slice (wasm's form computes the halves
 * separately to avoid its slow SplitV).
 * Inputs, in this order: x, norm1 gamma and beta, channel_projection_1 kernel and bias, norm2
 * gamma and beta, spatial_projection kernel and bias, channel_projection_2 kernel and bias.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from '../ops/dense-tensorflow.js';
import { dropoutMaskTensor } from '../ops/dropout.js';
import { geluGradient } from '../ops/gelu.js';
import { layerNormBackward, layerNormForward } from '../ops/layer-norm.js';
import { activate, applyMask, type BlockOptions, blockWithGradient, flatRows } from './block-gradient.js';

type T2 = tf.Tensor2D;

export function gmlpBlockOnTensorflow(inputs: readonly tf.Tensor[], options: BlockOptions): tf.Tensor {
  const [batch, patches, channels] = inputs[0]!.shape as [number, number, number];
  const shape = [batch, patches, channels];
  const block = blockWithGradient(
    ([x, gamma1, beta1, w1, b1, gamma2, beta2, ws, bs, w2, b2]) => {
      const norm1 = layerNormForward(x!, gamma1!, beta1!);
      const x1 = flatRows(norm1.value);
      const h = tf.add(tf.matMul(x1, w1 as T2), b1!);
      const [hu, hv] = tf.split(h, 2, 1) as [T2, T2];
      // Drawn u's first, then v's, as the wasm form draws them.
      const mu = dropoutMaskTensor(shape, options.dropoutRate, options.training);
      const gu = activate(hu, options.gelu);
      const u = applyMask(tf.reshape(gu.value, shape), mu);
      const mv = dropoutMaskTensor(shape, options.dropoutRate, options.training);
      const gv = activate(hv, options.gelu);
      const v = applyMask(tf.reshape(gv.value, shape), mv);
      const norm2 = layerNormForward(v, gamma2!, beta2!);
      // The spatial projection on [batch, patches, channels] as it is, the weight applied from the
      // left (per example Ws^T n2 + bs), a batched matmul with no transposes.
      const n2 = norm2.value;
      const gate = tf.add(tf.matMul(ws as T2, n2, true, false), tf.reshape(bs!, [patches, 1]));
      const gated = tf.mul(u, gate);
      const out = tf.add(norm1.value, tf.reshape(tf.add(tf.matMul(flatRows(gated), w2 as T2), b2!), shape));
      return { value: out, saved: [norm1.xHat, norm1.rstd, x1, hu, hv, gu.cdf, gv.cdf, mu, mv, u, norm2.xHat, norm2.rstd, n2, gate, gated, gamma1, gamma2, w1, ws, w2] };
    },
    (dy, [xHat1, rstd1, x1, hu, hv, cdfU, cdfV, mu, mv, u, xHat2, rstd2, n2, gate, gated, gamma1, gamma2, w1, ws, w2]) => {
      const [dGated, dw2, db2] = denseBackward(flatRows(dy), flatRows(gated!), w2 as T2);
      const dGated3 = tf.reshape(dGated, shape);
      const du = tf.mul(dGated3, gate!);
      const dGate = tf.mul(dGated3, u!);
      // Over channels, then over the batch: one Sum over axes [0, 2] took 15 times as long.
      const dbs = tf.sum(tf.sum(dGate, 2), 0);
      const dws = tf.sum(tf.matMul(n2!, dGate, false, true), 0);
      const dn2 = tf.matMul(ws as T2, dGate);
      const [dv, dGamma2, dBeta2] = layerNormBackward(dn2, xHat2!, rstd2!, gamma2!);
      const dhu = geluGradient(flatRows(applyMask(du, mu)), hu!, options.gelu, cdfU);
      const dhv = geluGradient(flatRows(applyMask(dv, mv)), hv!, options.gelu, cdfV);
      const [dx1, dw1, db1] = denseBackward(tf.concat([dhu, dhv], 1) as T2, x1 as T2, w1 as T2);
      const [dx, dGamma1, dBeta1] = layerNormBackward(tf.add(dy, tf.reshape(dx1, shape)), xHat1!, rstd1!, gamma1!);
      return [dx, dGamma1, dBeta1, dw1, db1, dGamma2, dBeta2, dws, dbs, dw2, db2];
    },
  );
  return block(...inputs);
}
