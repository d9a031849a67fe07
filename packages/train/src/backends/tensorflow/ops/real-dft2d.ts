/**
 * Re(fft2d(x)) over the last two axes of [B, N, D] by TensorFlow's real-input FFT, for native
 * TensorFlow (the FNet block's TensorFlow form, fnet-block.ts; the realDft2d op itself has no
 * TensorFlow form). RFFT2D computes only the columns k = 0 .. D/2 of the 2-D spectrum (the input
 * is real, so the rest is redundant): half the work of the complex FFT of the seed's
 * tf.signal.fft2d, and of the cosine/sine matmuls of layers/ops/real-dft2d.ts, which compute a
 * [B*N, D] x [D, 2D] product. The other columns follow from the symmetry of the spectrum
 * of a real input, F[n, k] = conj(F[(N - n) mod N, D - k]), whose real parts are equal:
 *   Re F[n, k] = R[(N - n) mod N, D - k]   for k = H .. D-1,   R = Re(RFFT2D(x)), H = floor(D/2) + 1:
 * R's rows gathered in the order (N - n) mod N (whole rows: a gather of single values took 6 ms,
 * and a slice with a negative stride 14 ms), its columns reversed, the needed ones sliced off,
 * and the two halves concatenated.
 * On a 2-core CPU, for [128, 64, 256]: 10 to 12 ms against 27 to 34 ms for the matmul form. The
 * map is linear and its own adjoint (layers/ops/real-dft2d.ts), so the block's backward pass
 * applies it too.
 */
import * as tf from '@tensorflow/tfjs';
import { keptConstants } from '../../../layers/ops/kept-constants.js';
import { gather, rfft2dRealPart } from '../kernels.js';

interface FftConstants {
  /** [N, D], int32: RFFT2D's fft_length. */
  readonly length: tf.Tensor1D;
  /** (N - n) mod N for n = 0 .. N-1, int32: the rows of R the columns H .. D-1 come from. */
  readonly mirroredRows: tf.Tensor1D;
}

/** Kept for the life of the process, per backend and shape. */
function constants(patches: number, channels: number): FftConstants {
  return keptConstants('real-dft2d-fft', [patches, channels], () => ({
    length: tf.tensor1d([patches, channels], 'int32'),
    mirroredRows: tf.tensor1d(
      Int32Array.from({ length: patches }, (_, n) => (patches - n) % patches),
      'int32',
    ),
  }));
}

/** Re(fft2d(x)) over the last two axes of a float32 [B, N, D] tensor. */
export function realDft2dByFft(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [batch, patches, channels] = x.shape as [number, number, number];
    const { length, mirroredRows } = constants(patches, channels);
    const real = rfft2dRealPart(x, length);
    const half = real.shape[2]!;
    if (half === channels) return real;
    // Reversed, column j of the gathered rows is R's column half - 1 - j: D - k for k = H .. D-1
    // is j = 2H - 1 - D .. H - 2.
    const reversed = tf.reverse(gather(real, mirroredRows, 1), 2);
    const upper = tf.slice(reversed, [0, 0, 2 * half - 1 - channels], [batch, patches, channels - half]);
    return tf.concat([real, upper], 2);
  });
}
