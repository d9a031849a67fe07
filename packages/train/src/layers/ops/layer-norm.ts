/**
 * Layer normalization over the last axis (Ba et al. 2016): (x - mean) / sqrt(var + eps) * gamma
 * + beta, with the biased variance, as Keras' LayerNormalization computes it. The seed uses
 * eps = 1e-6 everywhere (ONNX's LayerNormalization defaults to 1e-5, so the exporter sets it).
 */
import * as tf from '@tensorflow/tfjs';

export const LAYER_NORM_EPSILON = 1e-6;

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)));
    return tf.add(tf.mul(normalized, gamma), beta);
  });
}
