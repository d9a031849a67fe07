/**
 * The FNet block's TensorFlow form (of layers/fnet-block.ts, registered in ../register.ts): the
 * same computation, as one tape node with its backward pass written out (../block-gradient.ts).
 *
 *   x1 = LN1(Re(fft2d(x)) + x);   out = LN2(x1 + Dense2(Dropout(GELU(Dense1(x1)))))
 *
 * The Fourier map is TensorFlow's real-input FFT (real-dft2d.ts: on this machine 12 to 14 ms
 * for [128, 64, 256], against 27 to 34 ms for the cosine/sine matmuls of layers/ops/real-dft2d.ts
 * and about as much for the complex FFT); it is linear and its own adjoint, so its backward pass
 * is the same map. GELU's constant scales are folded into Dense1 and Dense2 (gelu.ts).
 * Inputs by name (FNetBlockInputs, layers/fnet-block.ts): x, norm1 gamma and beta, ffn_1 kernel and bias, ffn_2 kernel and
 * bias, norm2 gamma and beta. The forward pass saves a record of named tensors for the backward
 * pass (../block-gradient.ts keeps them in customGrad's list), and the backward pass returns each
 * input's gradient by name.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from './dense.js';
import { dropoutMaskTensor } from '../../../layers/ops/dropout.js';
import { scaled, scaledGelu } from './gelu.js';
import { layerNormForward, layerNormValue } from '../../../layers/ops/layer-norm.js';
import { layerNormBackwardOnTensorflow as layerNormBackward } from './layer-norm.js';
import { realDft2dByFft } from './real-dft2d.js';
import { matMulPlusBias } from '../kernels.js';
import type { BlockForm } from '../../../layers/block-args.js';
import type { FNetBlockInputs } from '../../../layers/fnet-block.js';
import { applyMask, blockWithGradient, flatRows } from '../block-gradient.js';

type T2 = tf.Tensor2D;

export const fnetBlockOnTensorflow: BlockForm<FNetBlockInputs> = (inputs, options) => {
  const [batch, patches, channels] = inputs.x.shape as [number, number, number];
  const act = scaledGelu(options.gelu);
  const block = blockWithGradient(
    ({ x, gamma1, beta1, w1, b1, w2, b2, gamma2, beta2 }) => {
      const norm1 = layerNormForward(tf.add(realDft2dByFft(x), x), gamma1, beta1);
      const x1 = flatRows(norm1.value);
      const w1s = scaled(w1 as T2, act.inputScale);
      const h = matMulPlusBias(x1, w1s, scaled(b1, act.inputScale));
      const mask = dropoutMaskTensor([batch, patches, channels], options.dropoutRate, options.training);
      const { value: g, saved: gelu } = act.forward(h);
      const hidden = applyMask(tf.reshape(g, [batch, patches, channels]), mask);
      const w2s = scaled(w2 as T2, act.outputScale);
      const ffn = matMulPlusBias(flatRows(hidden), w2s, b2);
      const norm2 = layerNormForward(tf.add(norm1.value, tf.reshape(ffn, [batch, patches, channels])), gamma2, beta2);
      return {
        value: norm2.value,
        saved: { xHat1: norm1.xHat, rstd1: norm1.rstd, beta1, h, gelu, hidden, mask, xHat2: norm2.xHat, rstd2: norm2.rstd, gamma1, gamma2, w1s, w2s },
      };
    },
    (dy, { xHat1, rstd1, beta1, h, gelu, hidden, mask, xHat2, rstd2, gamma1, gamma2, w1s, w2s }) => {
      const x1 = flatRows(layerNormValue(xHat1, gamma1, beta1));
      const [dSum2, dGamma2, dBeta2] = layerNormBackward(dy, xHat2, rstd2, gamma2);
      const [dHidden, dw2s, db2] = denseBackward(flatRows(dSum2), flatRows(hidden), w2s);
      const dh = act.backward(applyMask(dHidden, mask && flatRows(mask)), h, gelu);
      const [dx1, dw1s, db1s] = denseBackward(dh as T2, x1, w1s);
      const [dSum1, dGamma1, dBeta1] = layerNormBackward(tf.add(dSum2, tf.reshape(dx1, [batch, patches, channels])), xHat1, rstd1, gamma1);
      const dw1 = scaled(dw1s, act.inputScale);
      const db1 = scaled(db1s, act.inputScale);
      const dw2 = scaled(dw2s, act.outputScale);
      return { x: tf.add(dSum1, realDft2dByFft(dSum1)), gamma1: dGamma1, beta1: dBeta1, w1: dw1, b1: db1, w2: dw2, b2: db2, gamma2: dGamma2, beta2: dBeta2 };
    },
  );
  return block(inputs);
};
