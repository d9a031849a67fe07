/**
 * The real part of the 2-D discrete Fourier transform over the last two axes of [B, N, D]
 * (patches x channels), which is what FNet's token mixing uses (Lee-Thorp et al. 2021,
 * arXiv:2105.03824; the seed computes tf.cast(tf.signal.fft2d(x), float32), keeping the real part).
 *
 * With C_K[j,k] = cos(2 pi j k / K) and S_K[j,k] = sin(2 pi j k / K) the DFT matrix is C_K - i S_K,
 * so   Re(F_N X F_D) = C_N X C_D - S_N X S_D.
 * Written as matmuls it runs on every tfjs backend (the wasm backend has no FFT kernel):
 *   Y = X [C_D | S_D]                 ([B, N, 2D], one 2-D matmul)
 *   out = [C_N | -S_N] [Y_C ; Y_S]      (Y's halves stacked along the patch axis)
 * All four matrices are symmetric and the map is linear, so it is its own adjoint: the gradient
 * is the same map applied to the incoming gradient (a custom gradient, cheaper than autodiff).
 * The matrices are computed in float64 and rounded once to float32.
 */
import * as tf from '@tensorflow/tfjs';
import { keptConstants } from './kept-constants.js';

interface DftMatrices {
  /** [D, 2D]: [C_D | S_D]. */
  readonly right: tf.Tensor2D;
  /** [N, 2N]: [C_N | -S_N]. */
  readonly left: tf.Tensor2D;
}

/** cos and sin of 2 pi j k / size, float64, row-major [size, size]. */
export function dftCosSin(size: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(size * size);
  const sin = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    for (let k = 0; k < size; k++) {
      // Reduce j*k modulo size first: exact integer arithmetic keeps the angle accurate.
      const angle = (2 * Math.PI * ((j * k) % size)) / size;
      cos[j * size + k] = Math.cos(angle);
      sin[j * size + k] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The two constant matrices of the matmul form, float32, row-major: right = [C_D | S_D] with shape
 * [D, 2D], left = [C_N | -S_N] with shape [N, 2N]. The ONNX exporter writes the same values.
 */
export function realDftMatrices(patches: number, channels: number): { right: Float32Array; left: Float32Array } {
  const d = dftCosSin(channels);
  const right = new Float32Array(channels * 2 * channels);
  for (let j = 0; j < channels; j++) {
    for (let k = 0; k < channels; k++) {
      right[j * 2 * channels + k] = d.cos[j * channels + k]!;
      right[j * 2 * channels + channels + k] = d.sin[j * channels + k]!;
    }
  }
  const n = dftCosSin(patches);
  const left = new Float32Array(patches * 2 * patches);
  for (let j = 0; j < patches; j++) {
    for (let k = 0; k < patches; k++) {
      left[j * 2 * patches + k] = n.cos[j * patches + k]!;
      left[j * 2 * patches + patches + k] = -n.sin[j * patches + k]!;
    }
  }
  return { right, left };
}

/** Kept for the life of the process, shared by every block of the same shape on the same backend. */
function matrices(patches: number, channels: number): DftMatrices {
  return keptConstants('real-dft2d', [patches, channels], () => {
    const { right, left } = realDftMatrices(patches, channels);
    return { right: tf.tensor2d(right, [channels, 2 * channels]), left: tf.tensor2d(left, [patches, 2 * patches]) };
  });
}

/** The forward map without a gradient of its own (the blocks' TensorFlow forms apply it to their gradient). */
export function applyRealDft2d(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, patches, channels] = x.shape as [number, number, number];
    const { right, left } = matrices(patches, channels);
    // Along channels: one 2-D matmul over all B*N rows, [B*N, D] x [C_D | S_D].
    const y = tf.matMul(tf.reshape(x, [batch * patches, channels]), right);
    // Along patches, also as one 2-D matmul: bring (cos|sin, patch) to the front as the 2N rows
    // of a [2N, B*D] matrix, multiply by [C_N | -S_N], and put the batch back in front. Two
    // transposes cost far less than a batched [B, N, 2N] x [B, 2N, D] matmul on wasm (4x on the
    // FNet step at the seed configuration).
    const stacked = tf.reshape(tf.transpose(tf.reshape(y, [batch, patches, 2, channels]), [2, 1, 0, 3]), [2 * patches, batch * channels]);
    const mixed = tf.matMul(left, stacked);
    return tf.transpose(tf.reshape(mixed, [patches, batch, channels]), [1, 0, 2]);
  });
}

/**
 * [C_N | -S_N] with its columns interleaved, [N, 2N]: column 2k is C_N's column k and column
 * 2k + 1 is -S_N's, matching the rows of Y = X [C_D | S_D] reshaped from [B, N, 2D] to [B, 2N, D]
 * (row 2n is Y_C's row n, row 2n + 1 is Y_S's), which a reshape gives for free.
 */
function interleavedLeft(patches: number): tf.Tensor2D {
  return keptConstants('real-dft2d-interleaved-left', [patches], () => {
    const n = dftCosSin(patches);
    const values = new Float32Array(patches * 2 * patches);
    for (let j = 0; j < patches; j++) {
      for (let k = 0; k < patches; k++) {
        values[j * 2 * patches + 2 * k] = n.cos[j * patches + k]!;
        values[j * 2 * patches + 2 * k + 1] = -n.sin[j * patches + k]!;
      }
    }
    return { left: tf.tensor2d(values, [patches, 2 * patches]) };
  }).left;
}

/**
 * The same map as applyRealDft2d with no transposes, for native TensorFlow (the FNet block's
 * TensorFlow form used it until the real-input FFT of backends/tensorflow/ops/real-dft2d.ts, 2 to
 * 3 times faster there, replaced it): Y = X [C_D | S_D] as one 2-D matmul, then per example out = L Y', with Y' the
 * free [2N, D] view of Y and L the interleaved [C_N | -S_N], a batched matmul whose kernel
 * broadcasts L over the batch. On TensorFlow the two transposes of the wasm form are full copies
 * of the [B, N, 2D] tensor; on wasm a batched matmul is the slower form.
 */
export function applyRealDft2dBatched(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, patches, channels] = x.shape as [number, number, number];
    const { right } = matrices(patches, channels);
    const y = tf.matMul(tf.reshape(x, [batch * patches, channels]), right);
    return tf.matMul(interleavedLeft(patches), tf.reshape(y, [batch, 2 * patches, channels]));
  });
}

const realDft2dWithGradient = tf.customGrad((x, save) => {
  void save;
  return {
    value: applyRealDft2d(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => applyRealDft2d(dy),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** Re(fft2d(x)) over the last two axes of a [B, N, D] tensor. */
export function realDft2d(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 3) throw new Error(`realDft2d expects [batch, patches, channels], got shape [${x.shape}]`);
  return realDft2dWithGradient(x);
}
