/**
 * A dense layer (x W + b) whose input needs no gradient (the patch embedding's, fed by
 * preprocessing and augmentation): x is a constant of the op, so dx is never computed. Each
 * backend's form passes its own [dW, db] (plain matmuls on wasm, matmul flags on TensorFlow).
 */
import * as tf from '@tensorflow/tfjs';

export type WeightGradients = (input: tf.Tensor2D, dy: tf.Tensor2D) => [tf.Tensor2D, tf.Tensor1D];

export function denseOfConstantInput(x: tf.Tensor2D, weightGradients: WeightGradients): (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D {
  return tf.customGrad((kernel, bias, save) => {
    // Saved so that the tape keeps it past the caller's tidy, until the backward pass.
    (save as tf.GradSaveFunc)([x]);
    return {
      value: tf.add(tf.matMul(x, kernel as tf.Tensor2D), bias as tf.Tensor1D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => weightGradients(saved[0] as tf.Tensor2D, dy as tf.Tensor2D),
    };
  }) as (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
}
