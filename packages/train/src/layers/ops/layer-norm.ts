/**
 * Layer normalization over the last axis (Ba et al. 2016): (x - mean) / sqrt(var + eps) * gamma
 * + beta, with the biased variance, as Keras' LayerNormalization computes it. The seed uses
 * eps = 1e-6 everywhere (ONNX's LayerNormalization defaults to 1e-5, so the exporter sets it).
 *
 * The gradient is written out (x^ = normalized x, g = dy * gamma, means over the last axis):
 *   dx = rsqrt(var + eps) * (g - mean(g) - x^ * mean(g * x^)),
 *   dgamma = sum over rows of dy * x^,   dbeta = sum over rows of dy,
 * where autodiff of the same forward takes a dozen broadcasting ops. Checked against autodiff
 * (layerNormAutodiff) in test/train/layers/fast-gradients.test.ts. The sums over rows are an op
 * of their own: the host backends (wasm, cpu) compute them in one pass over dy and x^
 * (backends/host/ops/layer-norm.ts), where wasm's Sum over leading axes is slow. On webgpu the
 * whole layer is six shaders (backends/webgpu/ops/layer-norm.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../../backend-api/op-forms.js';

export const LAYER_NORM_EPSILON = 1e-6;

function rows(x: tf.Tensor): tf.Tensor2D {
  const features = x.shape[x.rank - 1]!;
  return tf.reshape(x, [x.size / features, features]);
}

/** [dgamma, dbeta] = column sums of [dy * x^, dy] over the rows of [rows, features] matrices. */
export type LayerNormParameterGradientsForm = (dy: tf.Tensor2D, xHat: tf.Tensor2D) => [tf.Tensor1D, tf.Tensor1D];

/** The column sums' forms: tfjs's Sum unless a backend has its own. */
export const layerNormParameterGradientsOp = defineOp<LayerNormParameterGradientsForm>('layerNormParameterGradients', (dy, xHat) => [
  tf.sum(tf.mul(dy, xHat), 0),
  tf.sum(dy, 0),
]);

/**
 * (x - mean) * rstd over the last axis, and rstd = 1 / sqrt(var + eps). A form that takes the
 * input scaled by c passes epsilon c^2 eps, which gives the same x^
 * (backends/tensorflow/ops/gmlp-block.ts).
 */
export function standardize(x: tf.Tensor, epsilon = LAYER_NORM_EPSILON): { normalized: tf.Tensor; rstd: tf.Tensor } {
  // tf.moments' own ops, with x - mean computed once (moments computes it for the variance and
  // does not return it): the same values, one pass over x fewer.
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), epsilon));
  return { normalized: tf.mul(centred, rstd), rstd };
}

/** The forward pass, with what the backward pass needs: x^ and rstd. */
export function layerNormForward(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon = LAYER_NORM_EPSILON,
): { value: tf.Tensor; xHat: tf.Tensor; rstd: tf.Tensor } {
  const { normalized, rstd } = standardize(x, epsilon);
  return { value: layerNormValue(normalized, gamma, beta), xHat: normalized, rstd };
}

/**
 * The layer's output from the standardized input: the same ops as layerNormForward, so the same
 * values. A backward pass that needs the output recomputes it from xHat rather than keep both.
 */
export function layerNormValue(xHat: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(xHat, gamma), beta);
}

/** [dx, dgamma, dbeta] from the upstream gradient and what layerNormForward returned. */
export function layerNormBackward(dy: tf.Tensor, xHat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const scaled = tf.mul(dy, gamma);
  const centred = tf.sub(scaled, tf.mean(scaled, -1, true));
  const dx = tf.mul(rstd, tf.sub(centred, tf.mul(xHat, tf.mean(tf.mul(scaled, xHat), -1, true))));
  return [dx, ...layerNormParameterGradientsOp.form()(rows(dy), rows(xHat))];
}

const layerNormWithGradient = tf.customGrad((x, gamma, beta, save) => {
  const { value, xHat, rstd } = layerNormForward(x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor);
  (save as tf.GradSaveFunc)([xHat, rstd, gamma as tf.Tensor]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xHat, r, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return layerNormBackward(dy, xHat, r, g);
    },
  };
}) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

export type LayerNormForm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

/** The layer's forms: the written-out gradient above unless a backend has its own. */
export const layerNormOp = defineOp<LayerNormForm>('layerNorm', layerNormWithGradient);

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return layerNormOp.form()(x, gamma, beta);
}

/** The same layer differentiated by tfjs's autodiff: the reference the written-out gradient is tested against. */
export function layerNormAutodiff(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(standardize(x).normalized, gamma), beta));
}
