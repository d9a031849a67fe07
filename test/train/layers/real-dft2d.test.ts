import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { realDft2d } from '@mlpx/train/src/layers/ops/real-dft2d.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';

useBackend('wasm');

/** Re(sum_j sum_k x[j,k] exp(-2 pi i (j m / N + k n / D))), straight from the definition, float64. */
function referenceRealDft2d(x: Float64Array, n: number, d: number): Float64Array {
  // cos(2 pi (jm/N + kq/D)) = cos(2 pi t / (N D)) with t = ((jm mod N) D + (kq mod D) N) mod N D.
  const period = n * d;
  const cos = Float64Array.from({ length: period }, (_, t) => Math.cos((2 * Math.PI * t) / period));
  const out = new Float64Array(n * d);
  for (let m = 0; m < n; m++) {
    for (let q = 0; q < d; q++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const rowPhase = ((j * m) % n) * d;
        for (let k = 0; k < d; k++) {
          sum += x[j * d + k]! * cos[(rowPhase + ((k * q) % d) * n) % period]!;
        }
      }
      out[m * d + q] = sum;
    }
  }
  return out;
}

function randomMatrix(size: number, seed: string): Float64Array {
  const random = seedrandom.alea(seed);
  return Float64Array.from({ length: size }, () => random() * 2 - 1);
}

describe('realDft2d', () => {
  for (const [n, d] of [
    [5, 3],
    [8, 6],
    [16, 32],
    [64, 256],
  ] as const) {
    it(`matches the DFT definition for ${n} x ${d}, every example of a batch`, async () => {
      const examples = [randomMatrix(n * d, `a${n}`), randomMatrix(n * d, `b${n}`)];
      const x = tf.tensor3d(Float32Array.from([...examples[0]!, ...examples[1]!]), [2, n, d]);
      const y = realDft2d(x);
      expect(y.shape).toEqual([2, n, d]);
      const values = await y.data();
      for (let b = 0; b < 2; b++) {
        const expected = referenceRealDft2d(examples[b]!, n, d);
        expectClose(values.subarray(b * n * d, (b + 1) * n * d), expected, { relative: 1e-4, scaleFloor: 0, what: `batch ${b}` });
      }
      tf.dispose([x, y]);
    });
  }

  it('has the gradient of the definition (the map is its own adjoint)', async () => {
    const [n, d] = [8, 6];
    const x = tf.tensor3d(Float32Array.from(randomMatrix(n * d, 'x')), [1, n, d]);
    const weights = randomMatrix(n * d, 'w');
    const w = tf.tensor3d(Float32Array.from(weights), [1, n, d]);
    // d/dx sum(w * F(x)) = F^T(w) = F(w), computed by the definition.
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(w, realDft2d(input))))(x);
    expectClose(await gradient.data(), referenceRealDft2d(weights, n, d), { relative: 1e-4, scaleFloor: 0, what: 'gradient' });
    tf.dispose([x, w, gradient]);
  });

  it('rejects a tensor that is not [batch, patches, channels]', () => {
    const x = tf.zeros([4, 4]);
    expect(() => realDft2d(x)).toThrow(/\[batch, patches, channels\]/);
    x.dispose();
  });
});
