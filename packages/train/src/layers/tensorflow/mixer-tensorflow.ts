/**
 * The MLP-Mixer block's TensorFlow form (mixer-block.ts uses it on the tensorflow backend): the
 * same computation, as one tape node with its backward pass written out (block-gradient.ts).
 *
 *   n1 = LN(x);  t = T(n1);  o1 = Dropout(Dense2(GELU(Dense1(t))));  x2 = x + T(o1)
 *   (computed as T(o1) directly, per example W2^T GELU(n1^T W1 + b1)^T + b2: no transposes)
 *   n2 = LN(x2); o2 = Dropout(Dense4(GELU(Dense3(n2))));             out = x2 + o2
 *
 * Inputs, in this order: x, gamma, beta (the shared LayerNormalization), then the kernel and bias
 * of token_mlp_1, token_mlp_2, channel_mlp_1, channel_mlp_2.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from '../ops/dense-tensorflow.js';
import { dropoutMaskTensor, dropoutMaskTensorSwapped } from '../ops/dropout.js';
import { geluGradient } from '../ops/gelu.js';
import { layerNormBackward, layerNormForward } from '../ops/layer-norm.js';
import { activate, applyMask, type BlockOptions, blockWithGradient, flatRows } from './block-gradient.js';

type T2 = tf.Tensor2D;

export function mixerBlockOnTensorflow(inputs: readonly tf.Tensor[], options: BlockOptions): tf.Tensor {
  const [batch, patches, channels] = inputs[0]!.shape as [number, number, number];
  const block = blockWithGradient(
    ([x, gamma, beta, w1, b1, w2, b2, w3, b3, w4, b4]) => {
      // Token mixing on [batch, patches, channels] as it is, with no transposes: each example's
      // h1 = n1^T W1 ([channels, hidden]) and its output W2^T g1^T ([patches, channels]) are
      // batched matmuls with transpose flags, the kernels broadcast over the batch.
      const norm1 = layerNormForward(x!, gamma!, beta!);
      const n1 = norm1.value;
      const h1 = tf.add(tf.matMul(n1, w1 as T2, true, false), b1!);
      const { value: g1, cdf: cdf1 } = activate(h1, options.gelu);
      // The mask wasm draws over [batch, channels, patches], laid out as [batch, patches, channels].
      const m1 = dropoutMaskTensorSwapped([batch, channels, patches], options.dropoutRate, options.training);
      const o1 = applyMask(tf.add(tf.matMul(w2 as T2, g1, true, true), tf.reshape(b2!, [patches, 1])), m1);
      const x2 = tf.add(x!, o1);
      const norm2 = layerNormForward(x2, gamma!, beta!);
      const n2 = flatRows(norm2.value);
      const h2 = tf.add(tf.matMul(n2, w3 as T2), b3!);
      const { value: g2, cdf: cdf2 } = activate(h2, options.gelu);
      const m2 = dropoutMaskTensor([batch, patches, channels], options.dropoutRate, options.training);
      const o2 = applyMask(tf.reshape(tf.add(tf.matMul(g2 as T2, w4 as T2), b4!), [batch, patches, channels]), m2);
      return {
        value: tf.add(x2, o2),
        saved: [norm1.xHat, norm1.rstd, n1, h1, g1, cdf1, m1, norm2.xHat, norm2.rstd, n2, h2, g2, cdf2, m2, gamma, w1, w2, w3, w4],
      };
    },
    (dy, [xHat1, rstd1, n1, h1, g1, cdf1, m1, xHat2, rstd2, n2, h2, g2, cdf2, m2, gamma, w1, w2, w3, w4]) => {
      // Channel mixing: out = x2 + Dropout(Dense4(GELU(Dense3(LN(x2))))).
      const [dg2, dw4, db4] = denseBackward(flatRows(applyMask(dy, m2)), g2 as T2, w4 as T2);
      const [dn2, dw3, db3] = denseBackward(geluGradient(dg2, h2!, options.gelu, cdf2) as T2, n2 as T2, w3 as T2);
      const [dx2Norm, dGammaChannel, dBetaChannel] = layerNormBackward(tf.reshape(dn2, [batch, patches, channels]), xHat2!, rstd2!, gamma!);
      const dx2 = tf.add(dy, dx2Norm);
      // Token mixing: x2 = x + Dropout(W2^T GELU(n1^T W1 + b1)^T + b2), per example.
      const do1 = applyMask(dx2, m1);
      // Over channels, then over the batch: one Sum over axes [0, 2] took 15 times as long.
      const db2 = tf.sum(tf.sum(do1, 2), 0);
      const dg1 = tf.matMul(do1, w2 as T2, true, true);
      const dw2 = tf.sum(tf.matMul(g1!, do1, true, true), 0);
      const dh1 = geluGradient(dg1, h1!, options.gelu, cdf1);
      const db1 = tf.sum(flatRows(dh1), 0);
      const dw1 = tf.sum(tf.matMul(n1!, dh1), 0);
      const dn1 = tf.matMul(w1 as T2, dh1, false, true);
      const [dxNorm, dGammaToken, dBetaToken] = layerNormBackward(dn1, xHat1!, rstd1!, gamma!);
      return [tf.add(dx2, dxNorm), tf.add(dGammaToken, dGammaChannel), tf.add(dBetaToken, dBetaChannel), dw1, db1, dw2, db2, dw3, db3, dw4, db4];
    },
  );
  return block(...inputs);
}
