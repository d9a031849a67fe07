/**
 * The MLP-Mixer block's TensorFlow form (of layers/mixer-block.ts, registered in
 * ../register.ts): the same computation, as one tape node with its backward pass written out
 * (../block-gradient.ts).
 *
 *   n1 = LN(x);  t = T(n1);  o1 = Dropout(Dense2(GELU(Dense1(t))));  x2 = x + T(o1)
 *   (computed as T(o1) directly, per example W2^T GELU(n1^T W1 + b1)^T + b2: no transposes)
 *   n2 = LN(x2); o2 = Dropout(Dense4(GELU(Dense3(n2))));             out = x2 + o2
 *
 * Two rewrites save full-size elementwise kernels, which dominate this block's step on a CPU:
 *  - GELU's constant scales are folded into the dense layers around it (gelu.ts);
 *  - the second LayerNormalization's gamma and beta are folded into Dense3, which is all that
 *    reads n2 (layer-norm.ts): Dense3(n2) = x^2 (gamma W3) + (beta W3 + b3), with x^2 the
 *    standardized x2, so neither the scaling nor the shift is a pass over [batch, patches,
 *    channels], and the backward pass gets dgamma, dbeta and dW3 from the small [channels, hidden]
 *    product x^2^T dh.
 *
 * Inputs by name (MixerBlockInputs, layers/mixer-block.ts): x, gamma, beta (the shared LayerNormalization), then the kernel
 * and bias of token_mlp_1, token_mlp_2, channel_mlp_1, channel_mlp_2. The forward pass saves a
 * record of named tensors for the backward pass (../block-gradient.ts keeps them in customGrad's
 * list), and the backward pass returns each input's gradient by name.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from './dense.js';
import { dropoutMaskTensor, dropoutMaskTensorSwapped } from '../../../layers/ops/dropout.js';
import { scaled, scaledGelu } from './gelu.js';
import { layerNormForward, layerNormValue } from '../../../layers/ops/layer-norm.js';
import { foldedLayerNormDenseBackward, foldedLayerNormDenseForward, layerNormBackwardOnTensorflow as layerNormBackward } from './layer-norm.js';
import { columnSums, matMulPlusBias } from '../kernels.js';
import type { BlockForm } from '../../../layers/block-args.js';
import type { MixerBlockInputs } from '../../../layers/mixer-block.js';
import { applyMask, blockWithGradient, flatRows } from '../block-gradient.js';

type T2 = tf.Tensor2D;

export const mixerBlockOnTensorflow: BlockForm<MixerBlockInputs> = (inputs, options) => {
  const [batch, patches, channels] = inputs.x.shape as [number, number, number];
  const act = scaledGelu(options.gelu);
  const block = blockWithGradient(
    ({ x, gamma, beta, w1, b1, w2, b2, w3, b3, w4, b4 }) => {
      // Token mixing on [batch, patches, channels] as it is, with no transposes: each example's
      // h1 = n1^T W1 ([channels, hidden]) and its output W2^T g1^T ([patches, channels]) are
      // batched matmuls with transpose flags, the kernels broadcast over the batch.
      const norm1 = layerNormForward(x, gamma, beta);
      const n1 = norm1.value;
      const w1s = scaled(w1 as T2, act.inputScale);
      const h1 = tf.add(tf.matMul(n1, w1s, true, false), scaled(b1, act.inputScale));
      const { value: g1, saved: gelu1 } = act.forward(h1);
      // The mask wasm draws over [batch, channels, patches], laid out as [batch, patches, channels].
      const m1 = dropoutMaskTensorSwapped([batch, channels, patches], options.dropoutRate, options.training);
      const w2s = scaled(w2 as T2, act.outputScale);
      const o1 = applyMask(tf.add(tf.matMul(w2s, g1, true, true), tf.reshape(b2, [patches, 1])), m1);
      const x2 = tf.add(x, o1);
      // Channel mixing: LN(x2) and Dense3 as one dense layer of the standardized x2.
      const dense3 = foldedLayerNormDenseForward(x2, { gamma, beta, kernel: w3 as T2, bias: b3 as tf.Tensor1D, scale: act.inputScale });
      const { value: g2, saved: gelu2 } = act.forward(dense3.value);
      const m2 = dropoutMaskTensor([batch, patches, channels], options.dropoutRate, options.training);
      const w4s = scaled(w4 as T2, act.outputScale);
      const o2 = applyMask(tf.reshape(matMulPlusBias(g2 as T2, w4s, b4), [batch, patches, channels]), m2);
      return {
        value: tf.add(x2, o2),
        saved: { xHat1: norm1.xHat, rstd1: norm1.rstd, h1, g1, gelu1, m1, dense3: dense3.saved, g2, gelu2, m2, gamma, beta, w1s, w2s, w3, w4s },
      };
    },
    (dy, { xHat1, rstd1, h1, g1, gelu1, m1, dense3: dense3Saved, g2, gelu2, m2, gamma, beta, w1s, w2s, w3, w4s }) => {
      // Channel mixing: out = x2 + Dropout(Dense4(GELU(Dense3(LN(x2))))).
      const [dg2, dw4s, db4] = denseBackward(flatRows(applyMask(dy, m2)), g2 as T2, w4s);
      const dh2 = act.backward(dg2, dense3Saved.value, gelu2) as T2;
      const dense3 = foldedLayerNormDenseBackward(dh2, dense3Saved, { gamma, beta, kernel: w3 as T2, scale: act.inputScale });
      const dx2 = tf.add(dy, dense3.dx);
      // Token mixing: x2 = x + Dropout(W2^T GELU(n1^T W1 + b1)^T + b2), per example.
      const do1 = applyMask(dx2, m1);
      // Over channels, then over the batch: one Sum over axes [0, 2] took 15 times as long.
      const db2 = tf.sum(tf.sum(do1, 2), 0);
      const dg1 = tf.matMul(do1, w2s, true, true);
      const dw2 = scaled(tf.sum(tf.matMul(g1, do1, true, true), 0), act.outputScale);
      const dh1 = act.backward(dg1, h1, gelu1);
      const db1 = scaled(columnSums(dh1), act.inputScale);
      const n1 = layerNormValue(xHat1, gamma, beta); // recomputed rather than kept
      const dw1 = scaled(tf.sum(tf.matMul(n1, dh1), 0), act.inputScale);
      const dn1 = tf.matMul(w1s, dh1, false, true);
      const [dxNorm, dGammaToken, dBetaToken] = layerNormBackward(dn1, xHat1, rstd1, gamma);
      const dw4 = scaled(dw4s, act.outputScale);
      return {
        x: tf.add(dx2, dxNorm),
        gamma: tf.add(dGammaToken, dense3.dGamma),
        beta: tf.add(dBetaToken, dense3.dBeta),
        w1: dw1,
        b1: db1,
        w2: dw2,
        b2: db2,
        w3: dense3.dKernel,
        b3: dense3.dBias,
        w4: dw4,
        b4: db4,
      };
    },
  );
  return block(inputs);
};
