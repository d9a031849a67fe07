/**
 * GELU as the blocks' TensorFlow forms (ops/*-block.ts) compute it: with its constant scales moved
 * into the dense layers around it, where they cost a multiply of a kernel instead of a pass over
 * the activations. The gelu op itself has no TensorFlow form: on tensorflow, gelu() is the plain
 * form of layers/ops/gelu.ts.
 *
 * exact: for h' = h / sqrt 2 (the preceding dense layer computes h' directly, from its kernel and
 *   bias times 1 / sqrt 2), g' = h' (1 + erf h') = sqrt 2 GELU(h) (the following dense layer
 *   takes g' with its kernel times 1 / sqrt 2). That is 3 full-size kernels (Erf, Add, Mul)
 *   instead of 5, and the backward pass keeps 1 + erf h' from the forward:
 *     dg'/dh' = (1 + erf h') + h' exp(ln(2 / sqrt pi) - h'^2),
 *   the constant inside the exponential, where the subtraction takes it for free: 6 kernels
 *   instead of 7.
 * tanh: the plain form of layers/ops/gelu.ts, both scales 1.
 */
import * as tf from '@tensorflow/tfjs';
import { gelu, type GeluApproximation, geluGradient } from '../../../layers/ops/gelu.js';

export interface ScaledGelu {
  /** The pre-activation the form takes is h * inputScale. */
  readonly inputScale: number;
  /** GELU(h) is the form's output times outputScale. */
  readonly outputScale: number;
  /** The output for the scaled pre-activation, and what the backward pass reads. */
  forward(scaledPreactivation: tf.Tensor): { value: tf.Tensor; saved: tf.Tensor | undefined };
  /** The gradient for the scaled pre-activation from the gradient of the output. */
  backward(dy: tf.Tensor, scaledPreactivation: tf.Tensor, saved: tf.Tensor | undefined): tf.Tensor;
}

const LOG_TWO_OVER_SQRT_PI = Math.log(2 / Math.sqrt(Math.PI));

const exact: ScaledGelu = {
  inputScale: Math.SQRT1_2,
  outputScale: Math.SQRT1_2,
  forward(h) {
    const onePlusErf = tf.add(tf.erf(h), 1);
    return { value: tf.mul(h, onePlusErf), saved: onePlusErf };
  },
  backward(dy, h, onePlusErf) {
    const slope = tf.mul(h, tf.exp(tf.sub(LOG_TWO_OVER_SQRT_PI, tf.square(h))));
    return tf.mul(dy, tf.add(onePlusErf!, slope));
  },
};

const tanh: ScaledGelu = {
  inputScale: 1,
  outputScale: 1,
  forward: (h) => ({ value: gelu(h, 'tanh'), saved: undefined }),
  backward: (dy, h) => geluGradient(dy, h, 'tanh'),
};

export function scaledGelu(approximation: GeluApproximation): ScaledGelu {
  return approximation === 'exact' ? exact : tanh;
}

/** t * scale, or t itself when the scale is 1 (for the small kernel-sized tensors scales fold into). */
export function scaled<T extends tf.Tensor>(t: T, scale: number): T {
  return scale === 1 ? t : (tf.mul(t, scale) as T);
}
