/**
 * The dense layer's TensorFlow form (of layers/ops/dense.ts, registered in ../register.ts): the same
 * values and gradients as the plain-matmul form wasm needs, written the way TensorFlow computes
 * them fastest,
 *   dx = dy W^T  (matmul with transposeB),   dW = x^T dy  (transposeA),   db = column sums of dy,
 * with no explicit transpose or row of ones: on TensorFlow those are extra copies of x, while the
 * matmul flags and a sum over rows cost nothing extra. The matmuls and column sums are TensorFlow's
 * MatMul and BiasAddGrad kernels, faster than tfjs's BatchMatMulV2 and Sum (../kernels.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { denseOfConstantInput } from '../../../layers/ops/dense-of-constant-input.js';
import type { DenseForm } from '../../../layers/ops/dense.js';
import { columnSums, matMul2d } from '../kernels.js';

function weightGradients(input: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  return [matMul2d(input, dy, true, false), columnSums(dy)];
}

/** [dx, dW, db] of x W + b for [rows, in] x [in, out]: the blocks' TensorFlow forms call it directly. */
export function denseBackward(dy: tf.Tensor2D, input: tf.Tensor2D, kernel: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D] {
  return [matMul2d(dy, kernel, false, true), ...weightGradients(input, dy)];
}

/** x W + b for [rows, in] x [in, out], with the gradients above. */
export const denseWithFlags = tf.customGrad((x, kernel, bias, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor2D, kernel as tf.Tensor2D]);
  return {
    value: tf.add(matMul2d(x as tf.Tensor2D, kernel as tf.Tensor2D), bias as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      return denseBackward(dy as tf.Tensor2D, input, weights);
    },
  };
}) as (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/** The same for an input that needs no gradient (the patch embedding's): dx is never computed. */
export function denseOfConstantInputWithFlags(x: tf.Tensor2D): (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D {
  return denseOfConstantInput(x, weightGradients);
}

export const denseOnTensorflow: DenseForm = { withGradient: denseWithFlags, ofConstantInput: denseOfConstantInputWithFlags };
