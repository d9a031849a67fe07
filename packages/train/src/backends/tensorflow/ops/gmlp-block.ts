/**
 * The gMLP block's TensorFlow form (of layers/gmlp-block.ts, registered in ../register.ts): the
 * same computation, as one tape node with its backward pass written out (../block-gradient.ts).
 *
 *   x1 = LN1(x);  [u, v] = Dropout(GELU(Dense_2D(x1))), split along channels (one mask each)
 *   s = u * T(Dense_P(T(LN2(v))));   out = x1 + Dense_D(s)
 *   (T(Dense_P(T(n))) computed per example as Ws^T n + bs: no transposes)
 *
 * The projection to 2D channels is two matmuls, one per half of the kernel, as wasm's form
 * computes it: on TensorFlow the wide matmul alone is a little faster, but splitting its output
 * (SplitV, a copy of [B*N, 2D]) and concatenating the halves' gradients for the backward pass
 * cost more (on a 2-core CPU, for the seed's shapes: 20 against 22 ms forward, 23 against 26 ms
 * for dx).
 * GELU's constant scales are folded into the layers around it (gelu.ts): Dense_2D
 * computes the scaled pre-activation, and u and v come out times 1 / outputScale, which Dense_D's
 * kernel takes back for u, and LN2 ignores for v given epsilon / outputScale^2 (LN(c v) with
 * epsilon c^2 eps is LN(v) with eps).
 * Inputs by name (GMlpBlockInputs, layers/gmlp-block.ts): x, norm1 gamma and beta, channel_projection_1 kernel and bias,
 * norm2 gamma and beta, spatial_projection kernel and bias, channel_projection_2 kernel and bias.
 * The forward pass saves a record of named tensors for the backward pass (../block-gradient.ts
 * keeps them in customGrad's list), and the backward pass returns each input's gradient by name.
 */
import * as tf from '@tensorflow/tfjs';
import { denseBackward } from './dense.js';
import { dropoutMaskTensor } from '../../../layers/ops/dropout.js';
import { scaled, scaledGelu } from './gelu.js';
import { LAYER_NORM_EPSILON, layerNormForward, layerNormValue } from '../../../layers/ops/layer-norm.js';
import { layerNormBackwardOnTensorflow as layerNormBackward } from './layer-norm.js';
import { matMulPlusBias } from '../kernels.js';
import type { BlockForm, BlockOptions } from '../../../layers/block-args.js';
import type { GMlpBlockInputs } from '../../../layers/gmlp-block.js';
import { applyMask, blockWithGradient, flatRows, type Gradients } from '../block-gradient.js';

type T2 = tf.Tensor2D;

/** What the forward and backward passes share: the block's shape, its GELU's scales, the options. */
interface GmlpStep {
  readonly shape: number[];
  readonly patches: number;
  readonly act: ReturnType<typeof scaledGelu>;
  readonly norm2Epsilon: number;
  readonly options: BlockOptions;
}

function gmlpForward({ shape, patches, act, norm2Epsilon, options }: GmlpStep) {
  return ({ x, gamma1, beta1, w1, b1, gamma2, beta2, ws, bs, w2, b2 }: GMlpBlockInputs) => {
    const norm1 = layerNormForward(x, gamma1, beta1);
    const x1 = flatRows(norm1.value);
    const [w1u, w1v] = tf.split(scaled(w1 as T2, act.inputScale), 2, 1) as [T2, T2];
    const [b1u, b1v] = tf.split(scaled(b1, act.inputScale), 2);
    const hu = matMulPlusBias(x1, w1u, b1u!);
    const hv = matMulPlusBias(x1, w1v, b1v!);
    // Drawn u's first, then v's, as the wasm form draws them.
    const mu = dropoutMaskTensor(shape, options.dropoutRate, options.training);
    const gu = act.forward(hu);
    const u = applyMask(tf.reshape(gu.value, shape), mu);
    const mv = dropoutMaskTensor(shape, options.dropoutRate, options.training);
    const gv = act.forward(hv);
    const v = applyMask(tf.reshape(gv.value, shape), mv);
    const norm2 = layerNormForward(v, gamma2, beta2, norm2Epsilon);
    // The spatial projection on [batch, patches, channels] as it is, the weight applied from the
    // left (per example Ws^T n2 + bs), a batched matmul with no transposes.
    const n2 = norm2.value;
    const gate = tf.add(tf.matMul(ws as T2, n2, true, false), tf.reshape(bs, [patches, 1]));
    const gated = tf.mul(u, gate);
    const w2s = scaled(w2 as T2, act.outputScale);
    const out = tf.add(norm1.value, tf.reshape(matMulPlusBias(flatRows(gated), w2s, b2), shape));
    return {
      value: out,
      saved: {
        xHat1: norm1.xHat,
        rstd1: norm1.rstd,
        beta1,
        hu,
        hv,
        savedU: gu.saved,
        savedV: gv.saved,
        mu,
        mv,
        u,
        xHat2: norm2.xHat,
        rstd2: norm2.rstd,
        beta2,
        gate,
        gated,
        gamma1,
        gamma2,
        w1u,
        w1v,
        ws,
        w2s,
      },
    };
  };
}

type GmlpSaved = ReturnType<ReturnType<typeof gmlpForward>>['saved'];

function gmlpBackward({ shape, act }: GmlpStep) {
  return (
    dy: tf.Tensor,
    { xHat1, rstd1, beta1, hu, hv, savedU, savedV, mu, mv, u, xHat2, rstd2, beta2, gate, gated, gamma1, gamma2, w1u, w1v, ws, w2s }: GmlpSaved,
  ): Gradients<GMlpBlockInputs> => {
    // The layer norms' outputs, recomputed from what was kept (layerNormValue).
    const x1 = flatRows(layerNormValue(xHat1, gamma1, beta1));
    const n2 = layerNormValue(xHat2, gamma2, beta2);
    const [dGated, dw2s, db2] = denseBackward(flatRows(dy), flatRows(gated), w2s);
    const dGated3 = tf.reshape(dGated, shape);
    const du = tf.mul(dGated3, gate);
    const dGate = tf.mul(dGated3, u);
    // Over channels, then over the batch: one Sum over axes [0, 2] took 15 times as long.
    const dbs = tf.sum(tf.sum(dGate, 2), 0);
    const dws = tf.sum(tf.matMul(n2, dGate, false, true), 0);
    const dn2 = tf.matMul(ws as T2, dGate);
    const [dv, dGamma2, dBeta2] = layerNormBackward(dn2, xHat2, rstd2, gamma2);
    const dhu = act.backward(flatRows(applyMask(du, mu)), hu, savedU);
    const dhv = act.backward(flatRows(applyMask(dv, mv)), hv, savedV);
    const [dx1u, dw1u, db1u] = denseBackward(dhu as T2, x1, w1u);
    const [dx1v, dw1v, db1v] = denseBackward(dhv as T2, x1, w1v);
    const dx1 = tf.add(dx1u, dx1v);
    const dw1s = tf.concat([dw1u, dw1v], 1);
    const db1s = tf.concat([db1u, db1v]);
    const [dx, dGamma1, dBeta1] = layerNormBackward(tf.add(dy, tf.reshape(dx1, shape)), xHat1, rstd1, gamma1);
    const dw1 = scaled(dw1s, act.inputScale);
    const db1 = scaled(db1s, act.inputScale);
    const dw2 = scaled(dw2s, act.outputScale);
    return { x: dx, gamma1: dGamma1, beta1: dBeta1, w1: dw1, b1: db1, gamma2: dGamma2, beta2: dBeta2, ws: dws, bs: dbs, w2: dw2, b2: db2 };
  };
}

export const gmlpBlockOnTensorflow: BlockForm<GMlpBlockInputs> = (inputs, options) => {
  const [batch, patches, channels] = inputs.x.shape as [number, number, number];
  const act = scaledGelu(options.gelu);
  const step: GmlpStep = { shape: [batch, patches, channels], patches, act, norm2Epsilon: LAYER_NORM_EPSILON / act.outputScale ** 2, options };
  return blockWithGradient(gmlpForward(step), gmlpBackward(step))(inputs);
};
