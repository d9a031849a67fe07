/**
 * A dense layer applied along the last axis of a rank-3 tensor, as Keras' Dense does for
 * [batch, rows, features] inputs: [B, R, in] x [in, out] + [out] -> [B, R, out]. Computed as one
 * 2-D matmul over B*R rows.
 *
 * Its gradient is written out with plain matmuls of explicitly transposed operands,
 *   dx = dy W^T,   dW = x^T dy,   db = sum over rows of dy,
 * because autodiff's matMul gradient uses the transposeA/transposeB forms, which the wasm backend
 * runs 7 to 25 times slower than the plain form (shared/NOTES.md). The values are the same up to
 * rounding (test/train/layers/dense-gradient.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

const matmulWithPlainGradient = tf.customGrad((x, kernel, bias, save) => {
  const x2 = x as tf.Tensor2D;
  const w = kernel as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x2, w]);
  return {
    value: tf.add(tf.matMul(x2, w), bias as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(weights)), tf.matMul(tf.transpose(input), dy2), tf.sum(dy2, 0)];
    },
  };
}) as (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

export function denseLastAxis(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, rows, features] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [batch * rows, features]) as tf.Tensor2D;
    const y = matmulWithPlainGradient(flat, kernel as tf.Tensor2D, bias as tf.Tensor1D);
    return tf.reshape(y, [batch, rows, kernel.shape[1]!]);
  });
}

/** The same layer differentiated by tfjs's autodiff: the reference the custom gradient is tested against. */
export function denseLastAxisAutodiff(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, rows, features] = x.shape as [number, number, number];
    const y = tf.add(tf.matMul(tf.reshape(x, [batch * rows, features]) as tf.Tensor2D, kernel as tf.Tensor2D), bias);
    return tf.reshape(y, [batch, rows, kernel.shape[1]!]);
  });
}

/** Swaps the last two axes of a rank-3 tensor: [B, P, D] -> [B, D, P]. */
export function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 1]);
}
