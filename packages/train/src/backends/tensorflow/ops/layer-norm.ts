/**
 * Layer normalization as the blocks' TensorFlow forms (ops/*-block.ts) compute it: its backward
 * pass, and layer norm folded into the dense layer after it (below). The layerNorm op itself has
 * no TensorFlow form (layers/ops/layer-norm.ts has the derivation and the plain form).
 *
 * The backward pass in the form native TensorFlow computes fastest:
 *   dx = rstd * (dy*gamma - mean(dy*gamma) - x^ * mean(dy*gamma*x^)),
 *   dgamma = column sums of dy * x^,   dbeta = column sums of dy.
 * Each mean over the last axis of a product with gamma is a matrix-vector product with gamma / D,
 * which reads its operand once and writes one value per row, instead of a full-size product and
 * then a reduction; and dy * x^ is computed once, for dgamma and for the second mean. The column
 * sums are BiasAddGrad (../kernels.ts). 6 full-size elementwise kernels instead of 9, and
 * no slow Sum: 10.2 ms -> about 5 ms for [128, 64, 256] on a 2-core CPU.
 */
import * as tf from '@tensorflow/tfjs';
import { standardize } from '../../../layers/ops/layer-norm.js';
import { columnSums, matMul2d, matMulPlusBias } from '../kernels.js';

/** [batch, rows, features] -> [batch * rows, features]. */
function rows(x: tf.Tensor): tf.Tensor2D {
  const features = x.shape[x.rank - 1]!;
  return tf.reshape(x, [x.size / features, features]);
}

/** mean over the last axis of x * gamma, as [..., 1]: (x rows) (gamma / D). */
function meanTimesGamma(x: tf.Tensor, gammaOverD: tf.Tensor2D): tf.Tensor {
  return tf.reshape(matMul2d(rows(x), gammaOverD), [...x.shape.slice(0, -1), 1]);
}

/** [dx, dgamma, dbeta] from the upstream gradient and what layerNormForward returned. */
export function layerNormBackwardOnTensorflow(dy: tf.Tensor, xHat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const features = gamma.shape[0]!;
  const gammaOverD = tf.reshape(tf.mul(gamma, 1 / features), [features, 1]) as tf.Tensor2D;
  const dyXHat = tf.mul(dy, xHat);
  const centred = tf.sub(tf.mul(dy, gamma), meanTimesGamma(dy, gammaOverD));
  const dx = tf.mul(tf.sub(centred, tf.mul(xHat, meanTimesGamma(dyXHat, gammaOverD))), rstd);
  return [dx, columnSums(dyXHat), columnSums(dy)];
}

/*
 * LayerNormalization followed by a dense layer that is all that reads its output, computed as one
 * dense layer of the standardized input (native TensorFlow; the MLP-Mixer's channel mixing):
 *
 *   Dense(LN(x)) = (x^ gamma + beta) W + b = x^ (gamma W) + (beta W + b),   x^ = (x - mean) * rstd,
 *
 * with gamma W the kernel's rows scaled by gamma. Both are [features, units] products, so the
 * scaling and shift by gamma and beta are no passes over [rows, features]. The backward pass,
 * from dh (the gradient of the dense layer's output) and P = x^^T dh:
 *   dW = gamma P + beta (x) db,   db = column sums of dh,
 *   dgamma = row sums of W * P,   dbeta = W db,
 *   dx = rstd * (g - mean(g) - x^ mean(g x^)),   g = dh (gamma W)^T,
 * where g - mean(g) comes from the same matmul with the folded kernel's columns centred, and
 * mean(g x^) = row sums of dh * (h - b') / features (h - b' = x^ (gamma W)): over [rows, units]
 * instead of [rows, features]. Every output may be scaled by `scale` (the GELU that follows takes
 * its input scaled: gelu.ts), which is folded into the kernel and bias too.
 */

/** A layer norm's gamma and beta, the dense layer after it (all that reads it), and the scale its output takes. */
export interface LayerNormThenDense {
  readonly gamma: tf.Tensor;
  readonly beta: tf.Tensor;
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  readonly scale: number;
}

/**
 * What the backward pass reads: x^ as [rows, features], rstd, the output, and the folded kernel
 * and bias. (A type, not an interface, so that a block can save it as a record of tensors.)
 */
export type FoldedDenseSaved = {
  readonly xHat: tf.Tensor;
  readonly rstd: tf.Tensor;
  readonly value: tf.Tensor;
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
};

/** scale * Dense(LN(x)) as [rows, units], and what the backward pass reads. */
export function foldedLayerNormDenseForward(x: tf.Tensor, layers: LayerNormThenDense): { value: tf.Tensor2D; saved: FoldedDenseSaved } {
  const { gamma, beta, kernel, bias, scale } = layers;
  const { normalized, rstd } = standardize(x);
  const xHat = rows(normalized);
  const features = kernel.shape[0];
  const foldedKernel = tf.mul(tf.reshape(tf.mul(gamma, scale), [features, 1]), kernel) as tf.Tensor2D;
  const foldedBias = tf.mul(tf.add(tf.reshape(matMul2d(tf.reshape(beta, [1, features]) as tf.Tensor2D, kernel), [-1]), bias), scale) as tf.Tensor1D;
  const value = matMulPlusBias(xHat, foldedKernel, foldedBias);
  return { value, saved: { xHat, rstd, value, kernel: foldedKernel, bias: foldedBias } };
}

/** The gradients of x (shaped as x), gamma, beta, the kernel and the bias, from dh ([rows, units]); the layers' bias is not read. */
export function foldedLayerNormDenseBackward(
  dh: tf.Tensor2D,
  saved: FoldedDenseSaved,
  layers: Omit<LayerNormThenDense, 'bias'>,
): { dx: tf.Tensor; dGamma: tf.Tensor1D; dBeta: tf.Tensor1D; dKernel: tf.Tensor2D; dBias: tf.Tensor1D } {
  const { gamma, beta, kernel, scale } = layers;
  const [features, units] = kernel.shape;
  const xHat = saved.xHat as tf.Tensor2D;
  // The gradients of the folded kernel and bias, then of the layers' own parameters.
  const dFoldedBias = columnSums(dh);
  const product = matMul2d(xHat, dh, true, false);
  const dKernel = tf.mul(
    tf.add(tf.mul(tf.reshape(gamma, [features, 1]), product), tf.mul(tf.reshape(beta, [features, 1]), tf.reshape(dFoldedBias, [1, units]))),
    scale,
  ) as tf.Tensor2D;
  const dGamma = tf.mul(tf.sum(tf.mul(kernel, product), 1), scale) as tf.Tensor1D;
  const dBeta = tf.mul(tf.reshape(matMul2d(kernel, tf.reshape(dFoldedBias, [units, 1]) as tf.Tensor2D), [features]), scale) as tf.Tensor1D;
  // dx through the standardization.
  const centredKernel = tf.sub(saved.kernel, tf.mean(saved.kernel, 0, true)) as tf.Tensor2D;
  const centred = matMul2d(dh, centredKernel, false, true);
  const meanGXHat = tf.mul(tf.sum(tf.mul(dh, tf.sub(saved.value, saved.bias)), 1, true), 1 / features);
  const rstd = tf.reshape(saved.rstd, [xHat.shape[0], 1]);
  const dx = tf.mul(tf.sub(centred, tf.mul(xHat, meanGXHat)), rstd);
  return { dx: tf.reshape(dx, [...saved.rstd.shape.slice(0, -1), features]), dGamma, dBeta, dKernel, dBias: tf.mul(dFoldedBias, scale) as tf.Tensor1D };
}
