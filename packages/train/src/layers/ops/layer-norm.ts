/**
 * Layer normalization over the last axis (Ba et al. 2016): (x - mean) / sqrt(var + eps) * gamma
 * + beta, with the biased variance, as Keras' LayerNormalization computes it. The seed uses
 * eps = 1e-6 everywhere (ONNX's LayerNormalization defaults to 1e-5, so the exporter sets it).
 *
 * The gradient is written out (x^ = normalized x, g = dy * gamma, means over the last axis):
 *   dx = rsqrt(var + eps) * (g - mean(g) - x^ * mean(g * x^)),
 *   dgamma = sum over rows of dy * x^,   dbeta = sum over rows of dy,
 * with the sums over rows in one pass over dy and x^ on the CPU backends: autodiff of the same forward takes a dozen broadcasting ops and wasm's slow Sum over
 * leading axes. Checked against autodiff
 * (layerNormAutodiff) in test/train/layers/fast-gradients.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { CPU_BACKENDS } from '../../backend/cpu-backends.js';
import { layerNormOnWebgpu } from './webgpu/layer-norm-kernels.js';

export const LAYER_NORM_EPSILON = 1e-6;

function rows(x: tf.Tensor): tf.Tensor2D {
  const features = x.shape[x.rank - 1]!;
  return tf.reshape(x, [x.size / features, features]);
}

/** [dgamma, dbeta] = column sums of [dy * x^, dy] over the rows of [rows, features] matrices. */
function parameterGradients(dy: tf.Tensor2D, xHat: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] {
  if (!CPU_BACKENDS.has(tf.getBackend())) return [tf.sum(tf.mul(dy, xHat), 0), tf.sum(dy, 0)];
  // One pass over both arrays on the CPU backends: wasm's Sum over axis 0 transposes first, about
  // 10 ms for [8192, 256] against 2 ms here.
  const [count, features] = dy.shape;
  const dyValues = dy.dataSync() as Float32Array;
  const xHatValues = xHat.dataSync() as Float32Array;
  const gamma = new Float64Array(features);
  const beta = new Float64Array(features);
  for (let r = 0; r < count; r++) {
    const start = r * features;
    for (let i = 0; i < features; i++) {
      const g = dyValues[start + i]!;
      beta[i] += g;
      gamma[i] += g * xHatValues[start + i]!;
    }
  }
  return [tf.tensor1d(Float32Array.from(gamma)), tf.tensor1d(Float32Array.from(beta))];
}

/**
 * (x - mean) * rstd over the last axis, and rstd = 1 / sqrt(var + eps). A form that takes the
 * input scaled by c passes epsilon c^2 eps, which gives the same x^ (gmlp-tensorflow.ts).
 */
export function standardize(x: tf.Tensor, epsilon = LAYER_NORM_EPSILON): { normalized: tf.Tensor; rstd: tf.Tensor } {
  // tf.moments' own ops, with x - mean computed once (moments computes it for the variance and
  // does not return it): the same values, one pass over x fewer.
  const centred = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), epsilon));
  return { normalized: tf.mul(centred, rstd), rstd };
}

/** The forward pass, with what the backward pass needs: x^ and rstd. */
export function layerNormForward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon = LAYER_NORM_EPSILON): { value: tf.Tensor; xHat: tf.Tensor; rstd: tf.Tensor } {
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
  return [dx, ...parameterGradients(rows(dy), rows(xHat))];
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

const layerNormFusedOnWebgpu = layerNormOnWebgpu(LAYER_NORM_EPSILON);

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  // On webgpu: six shaders forward and backward together instead of about two dozen ops (webgpu/layer-norm-kernels.ts).
  if (tf.getBackend() === 'webgpu') return layerNormFusedOnWebgpu(x, gamma, beta);
  return layerNormWithGradient(x, gamma, beta);
}

/** The same layer differentiated by tfjs's autodiff: the reference the written-out gradient is tested against. */
export function layerNormAutodiff(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(standardize(x).normalized, gamma), beta));
}
