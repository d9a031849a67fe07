/**
 * GELU (Hendrycks & Gimpel 2016, arXiv:1606.08415).
 * exact: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), what the seed ran (tfa.layers.GELU with
 *        approximate=False, see SEED.md);
 * tanh:  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
import * as tf from '@tensorflow/tfjs';

export type GeluApproximation = 'exact' | 'tanh';

export const GELU_APPROXIMATIONS: readonly GeluApproximation[] = ['exact', 'tanh'];

export function gelu(x: tf.Tensor, approximation: GeluApproximation): tf.Tensor {
  return tf.tidy(() => {
    if (approximation === 'exact') {
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    }
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}
