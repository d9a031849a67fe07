/**
 * GELU (Hendrycks & Gimpel 2016, arXiv:1606.08415).
 * exact: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), what the seed ran (tfa.layers.GELU with
 *        approximate=False; docs/seed.md, "GELU");
 * tanh:  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../../backend-api/op-forms.js';

export type GeluApproximation = 'exact' | 'tanh';

export const GELU_APPROXIMATIONS: readonly GeluApproximation[] = ['exact', 'tanh'];

export type GeluForm = (x: tf.Tensor, approximation: GeluApproximation) => tf.Tensor;

/** The plain form: the formula in tfjs ops, differentiated by autodiff. */
function geluWithTfjsOps(x: tf.Tensor, approximation: GeluApproximation): tf.Tensor {
  return tf.tidy(() => {
    if (approximation === 'exact') {
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    }
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
  });
}

/** GELU's forms (webgpu: one shader forward and one backward, backends/webgpu/ops/gelu.ts). */
export const geluOp = defineOp<GeluForm>('gelu', geluWithTfjsOps);

export function gelu(x: tf.Tensor, approximation: GeluApproximation): tf.Tensor {
  return geluOp.form()(x, approximation);
}

/**
 * dy * GELU'(x), the backward pass of gelu(x) written out (the blocks' TensorFlow forms use it
 * instead of autodiff, which keeps each of the forward's five intermediates and their gradients):
 *   exact: GELU'(x) = Phi(x) + x phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi);
 *   tanh:  GELU'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2),   t = tanh(inner).
 * cdf: Phi(x) when the caller kept it from the forward pass (exact form only).
 */
export function geluGradient(dy: tf.Tensor, x: tf.Tensor, approximation: GeluApproximation, cdf?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (approximation === 'exact') {
      const phi = cdf ?? tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
      const xPdf = tf.mul(tf.mul(x, 1 / Math.sqrt(2 * Math.PI)), tf.exp(tf.mul(-0.5, tf.square(x))));
      return tf.mul(dy, tf.add(phi, xPdf));
    }
    const c = Math.sqrt(2 / Math.PI);
    const square = tf.square(x);
    const t = tf.tanh(tf.mul(c, tf.add(x, tf.mul(0.044715, tf.mul(square, x)))));
    const slope = tf.mul(tf.mul(0.5 * c, tf.mul(x, tf.sub(1, tf.square(t)))), tf.add(1, tf.mul(3 * 0.044715, square)));
    return tf.mul(dy, tf.add(tf.mul(0.5, tf.add(1, t)), slope));
  });
}
