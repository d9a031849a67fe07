/**
 * The dense layer's WebGPU form (of layers/ops/dense.ts, registered in ../register.ts): the
 * forward is tfjs's fused matmul with the bias added in the same shader (one dispatch, not two),
 * the backward uses the matmul's transpose flags, which webgpu takes for free (an explicit
 * transpose is one more dispatch and a copy):
 *   dx = dy W^T  (transposeB),   dW = x^T dy  (transposeA),   db = column sums of dy.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseForm } from '../../../layers/ops/dense.js';

function weightGradients(input: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  return [tf.matMul(input, dy, true, false), tf.sum(dy, 0)];
}

function forward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D;
}

/** x W + b for [rows, in] x [in, out], with the gradients above. */
const denseWithGradient = tf.customGrad((x, kernel, bias, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor2D, kernel as tf.Tensor2D]);
  return {
    value: forward(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, weights, false, true), ...weightGradients(input, dy as tf.Tensor2D)];
    },
  };
}) as (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/** The same for an input that needs no gradient (the patch embedding's): dx is never computed. */
function denseOfConstantInput(x: tf.Tensor2D): (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D {
  return tf.customGrad((kernel, bias, save) => {
    // Saved so that the tape keeps it past the caller's tidy, until the backward pass.
    (save as tf.GradSaveFunc)([x]);
    return {
      value: forward(x, kernel as tf.Tensor2D, bias as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => weightGradients(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
    };
  }) as (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
}

export const denseOnWebgpu: DenseForm = { withGradient: denseWithGradient, ofConstantInput: denseOfConstantInput };
