/**
 * A dense layer applied along the last axis of a rank-3 tensor, as Keras' Dense does for
 * [batch, rows, features] inputs: [B, R, in] x [in, out] + [out] -> [B, R, out]. Computed as one
 * 2-D matmul over B*R rows.
 */
import * as tf from '@tensorflow/tfjs';

export function denseLastAxis(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, rows, features] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [batch * rows, features]);
    const y = tf.add(tf.matMul(flat, kernel as tf.Tensor2D), bias);
    return tf.reshape(y, [batch, rows, kernel.shape[1]!]);
  });
}

/** Swaps the last two axes of a rank-3 tensor: [B, P, D] -> [B, D, P]. */
export function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 1]);
}
