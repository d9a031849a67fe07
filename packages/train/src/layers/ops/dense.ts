/**
 * A dense layer applied along the last axis of a rank-3 tensor, as Keras' Dense does for
 * [batch, rows, features] inputs: [B, R, in] x [in, out] + [out] -> [B, R, out]. Computed as one
 * 2-D matmul over B*R rows.
 *
 * Its gradient is written out with plain matmuls of explicitly transposed operands,
 *   dx = dy W^T,   [dW; db] = [x^T; ones] dy,
 * because autodiff's matMul gradient uses the transposeA/transposeB forms, which the wasm backend
 * runs 7 to 25 times slower than the plain form (docs/toolchain-notes.md). The values are the same up to
 * rounding (test/train/layers/fast-gradients.test.ts). That is the op's plain form. TensorFlow
 * and WebGPU take a matmul's transpose flags for free (an explicit transpose is a copy, and on
 * webgpu one more dispatch), so their forms use flags instead (backends/tensorflow/ops/dense.ts,
 * backends/webgpu/ops/dense.ts, which also adds the bias in the matmul's shader).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../../backend-api/op-forms.js';
import { denseOfConstantInput } from './dense-of-constant-input.js';

/**
 * dW = x^T dy and db = the column sums of dy, from one matmul: [x^T; ones] dy = [dW; db]. The
 * explicit transpose is needed anyway (the plain matmul form is the fast one on wasm), and the
 * appended row of ones costs one more row of output instead of a separate reduction over rows.
 */
function weightGradients(input: tf.Tensor2D, dy: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  return tf.tidy(() => {
    const [rows, features] = input.shape;
    const units = dy.shape[1];
    const both = tf.matMul(tf.concat([tf.transpose(input), tf.ones([1, rows])], 0), dy);
    return [tf.slice(both, [0, 0], [features, units]) as tf.Tensor2D, tf.reshape(tf.slice(both, [features, 0], [1, units]), [units]) as tf.Tensor1D];
  });
}

const matmulWithPlainGradient = tf.customGrad((x, kernel, bias, save) => {
  const x2 = x as tf.Tensor2D;
  const w = kernel as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x2, w]);
  return {
    value: tf.add(tf.matMul(x2, w), bias as tf.Tensor1D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, weights] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, tf.transpose(weights)), ...weightGradients(input, dy2)];
    },
  };
}) as (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

/** The same matmul for an input that needs no gradient: x is a constant of the op, so dx is never computed. */
function matmulOfConstantInput(x: tf.Tensor2D): (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D {
  return denseOfConstantInput(x, weightGradients);
}

/** A backend's form of the dense layer, on the [rows, in] x [in, out] matmul that denseLastAxis reshapes to. */
export interface DenseForm {
  /** x W + b, with dx, dW and db. */
  readonly withGradient: (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
  /** x W + b for an x that needs no gradient: dW and db only. */
  readonly ofConstantInput: (x: tf.Tensor2D) => (kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
}

/** The dense layer's forms: plain matmuls with explicit transposes (what wasm needs) unless a backend has its own. */
export const denseOp = defineOp<DenseForm>('dense', { withGradient: matmulWithPlainGradient, ofConstantInput: matmulOfConstantInput });

export interface DenseOptions {
  /**
   * false when nothing before this layer is trainable (the patch embedding, fed by preprocessing
   * and augmentation): the input then gets no gradient, as if behind tf.stopGradient, and the
   * step skips the [B*R, out] x [out, in] matmul that would compute it. Default true.
   */
  readonly inputGradient?: boolean;
}

export function denseLastAxis(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, options: DenseOptions = {}): tf.Tensor {
  return tf.tidy(() => {
    const [batch, rows, features] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [batch * rows, features]) as tf.Tensor2D;
    const form = denseOp.form();
    const y =
      options.inputGradient === false
        ? form.ofConstantInput(flat)(kernel as tf.Tensor2D, bias as tf.Tensor1D)
        : form.withGradient(flat, kernel as tf.Tensor2D, bias as tf.Tensor1D);
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
