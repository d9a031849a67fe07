/**
 * The FNet block's TensorFlow form (fnet-block.ts uses it on the tensorflow backend): the same
 * computation, as one tape node with its backward pass written out (block-gradient.ts).
 *
 *   x1 = LN1(Re(fft2d(x)) + x);   out = LN2(x1 + Dense2(Dropout(GELU(Dense1(x1)))))
 *
 * The Fourier map is linear and its own adjoint, so its backward pass is the same map (the
 * cosine/sine matmul form of ops/real-dft2d.ts, its batched form with no transposes: on this machine TensorFlow's FFT of the complex
 * input was no faster, 20 to 28 ms against 26 ms for [128, 64, 256]).
 * Inputs, in this order: x, norm1 gamma and beta, ffn_1 kernel and bias, ffn_2 kernel and bias,
 * norm2 gamma and beta.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from '../ops/dense-tensorflow.js';
import { dropoutMaskTensor } from '../ops/dropout.js';
import { geluGradient } from '../ops/gelu.js';
import { layerNormBackward, layerNormForward } from '../ops/layer-norm.js';
import { applyRealDft2dBatched } from '../ops/real-dft2d.js';
import { activate, applyMask, type BlockOptions, blockWithGradient, flatRows } from './block-gradient.js';

type T2 = tf.Tensor2D;

export function fnetBlockOnTensorflow(inputs: readonly tf.Tensor[], options: BlockOptions): tf.Tensor {
  const [batch, patches, channels] = inputs[0]!.shape as [number, number, number];
  const block = blockWithGradient(
    ([x, gamma1, beta1, w1, b1, w2, b2, gamma2, beta2]) => {
      const norm1 = layerNormForward(tf.add(applyRealDft2dBatched(x!), x!), gamma1!, beta1!);
      const x1 = flatRows(norm1.value);
      const h = tf.add(tf.matMul(x1, w1 as T2), b1!);
      const mask = dropoutMaskTensor([batch, patches, channels], options.dropoutRate, options.training);
      const { value: g, cdf } = activate(h, options.gelu);
      const hidden = applyMask(tf.reshape(g, [batch, patches, channels]), mask);
      const ffn = tf.add(tf.matMul(flatRows(hidden), w2 as T2), b2!);
      const norm2 = layerNormForward(tf.add(norm1.value, tf.reshape(ffn, [batch, patches, channels])), gamma2!, beta2!);
      return { value: norm2.value, saved: [norm1.xHat, norm1.rstd, x1, h, cdf, hidden, mask, norm2.xHat, norm2.rstd, gamma1, gamma2, w1, w2] };
    },
    (dy, [xHat1, rstd1, x1, h, cdf, hidden, mask, xHat2, rstd2, gamma1, gamma2, w1, w2]) => {
      const [dSum2, dGamma2, dBeta2] = layerNormBackward(dy, xHat2!, rstd2!, gamma2!);
      const [dHidden, dw2, db2] = denseBackward(flatRows(dSum2), flatRows(hidden!), w2 as T2);
      const dh = geluGradient(applyMask(dHidden, mask && flatRows(mask)), h!, options.gelu, cdf);
      const [dx1, dw1, db1] = denseBackward(dh as T2, x1 as T2, w1 as T2);
      const [dSum1, dGamma1, dBeta1] = layerNormBackward(tf.add(dSum2, tf.reshape(dx1, [batch, patches, channels])), xHat1!, rstd1!, gamma1!);
      return [tf.add(dSum1, applyRealDft2dBatched(dSum1)), dGamma1, dBeta1, dw1, db1, dw2, db2, dGamma2, dBeta2];
    },
  );
  return block(...inputs);
}
