/**
 * The random layers, as statistics over many draws, against the seed's Keras definitions (Keras
 * 2.15, keras/src/layers/preprocessing/image_preprocessing.py and core/dropout.py):
 * - Dropout(rate): each unit zeroed with probability rate, the rest scaled by 1 / (1 - rate).
 * - RandomFlip("horizontal"): each image mirrored left-right with probability 1/2.
 * - RandomZoom(height_factor=0.2, width_factor=0.2): per image, height_zoom and width_zoom drawn
 *   independently, uniform in [1 - 0.2, 1 + 0.2] (a factor above 1 zooms out), about the centre.
 * The trajectory test (keras-trajectory.test.ts) runs with these off; this covers them.
 * Bounds are about 5 standard deviations of the statistic, for draws from a fixed seed.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RandomFlip, RandomZoom, SeededDropout } from '@mlpx/train/src/layers/index.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('wasm');

/** Largest gap between the empirical distribution of `values` and uniform on [low, high]. */
function kolmogorovSmirnov(values: number[], low: number, high: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.reduce((worst, v, i) => {
    const cdf = (v - low) / (high - low);
    return Math.max(worst, Math.abs(cdf - i / sorted.length), Math.abs(cdf - (i + 1) / sorted.length));
  }, 0);
}

function correlation(a: number[], b: number[]): number {
  const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((_, i) => {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe("random layers match the seed's definitions over many draws", () => {
  it('SeededDropout(0.2) drops a fraction 0.2 of the units, a new mask each call, and scales the rest by 1.25', async () => {
    randomSource.reseed(7);
    const layer = new SeededDropout({ rate: 0.2 });
    const ones = tf.ones([64, 256]);
    let dropped = 0;
    let total = 0;
    let first: Float32Array | undefined;
    for (let draw = 0; draw < 50; draw++) {
      const y = layer.apply(ones, { training: true }) as tf.Tensor;
      const values = (await y.data()) as Float32Array;
      y.dispose();
      let misscaled = 0;
      for (const v of values) {
        if (v === 0) dropped++;
        else if (Math.abs(v - 1.25) > 1e-6) misscaled++;
      }
      expect(misscaled).toBe(0);
      total += values.length;
      if (first) expect(values).not.toEqual(first);
      else first = values.slice();
    }
    // 819,200 units: the binomial standard deviation of the fraction is 4.4e-4.
    expect(Math.abs(dropped / total - 0.2)).toBeLessThan(2.2e-3);
    ones.dispose();
  });

  it('RandomFlip mirrors each image left-right with probability 1/2, independently of its place in the batch', async () => {
    randomSource.reseed(8);
    const layer = new RandomFlip({});
    // Each image is a ramp 0..4 along its width: flipped, it runs 4..0.
    const batch = 200;
    const images = tf.tile(tf.reshape(tf.range(0, 5), [1, 1, 5, 1]), [batch, 2, 1, 1]);
    const flipsAt = new Array<number>(batch).fill(0);
    const draws = 20;
    for (let draw = 0; draw < draws; draw++) {
      const y = layer.apply(images, { training: true }) as tf.Tensor;
      const values = await y.data();
      y.dispose();
      for (let b = 0; b < batch; b++) {
        const row = Array.from(values.subarray(b * 10, b * 10 + 5));
        expect([
          [0, 1, 2, 3, 4],
          [4, 3, 2, 1, 0],
        ]).toContainEqual(row);
        if (row[0] === 4) flipsAt[b]!++;
      }
    }
    const fraction = (from: number, to: number): number => flipsAt.slice(from, to).reduce((s, v) => s + v, 0) / ((to - from) * draws);
    // 4,000 images: standard deviation 0.0079; each half of the batch: 0.011.
    expect(Math.abs(fraction(0, batch) - 0.5)).toBeLessThan(0.04);
    expect(Math.abs(fraction(0, batch / 2) - 0.5)).toBeLessThan(0.056);
    expect(Math.abs(fraction(batch / 2, batch) - 0.5)).toBeLessThan(0.056);
    images.dispose();
  });

  it('RandomZoom(0.2, 0.2) draws height and width zooms independently, uniform in [0.8, 1.2]', async () => {
    randomSource.reseed(9);
    const layer = new RandomZoom({ heightFactor: 0.2, widthFactor: 0.2 });
    // Channel 0 is the column index, channel 1 the row index. Zoom maps output x to input
    // centre + zoom (x - centre) and bilinear sampling keeps a ramp linear, so the ramp's step
    // at the centre is the zoom drawn for that image (width in channel 0, height in channel 1).
    const size = 9;
    const centre = (size - 1) / 2;
    const column = tf.tile(tf.reshape(tf.range(0, size), [1, size, 1]), [size, 1, 1]);
    const row = tf.tile(tf.reshape(tf.range(0, size), [size, 1, 1]), [1, size, 1]);
    const batch = 250;
    const images = tf.tile(tf.expandDims(tf.concat([column, row], 2), 0), [batch, 1, 1, 1]);
    const widthZooms: number[] = [];
    const heightZooms: number[] = [];
    for (let draw = 0; draw < 8; draw++) {
      const y = layer.apply(images, { training: true }) as tf.Tensor;
      const values = await y.data();
      y.dispose();
      const at = (b: number, r: number, c: number, channel: number): number => values[((b * size + r) * size + c) * 2 + channel]!;
      for (let b = 0; b < batch; b++) {
        widthZooms.push(at(b, centre, centre + 1, 0) - at(b, centre, centre, 0));
        heightZooms.push(at(b, centre + 1, centre, 1) - at(b, centre, centre, 1));
      }
    }
    const n = widthZooms.length;
    for (const zooms of [widthZooms, heightZooms]) {
      expect(Math.min(...zooms)).toBeGreaterThanOrEqual(0.8 - 1e-5);
      expect(Math.max(...zooms)).toBeLessThanOrEqual(1.2 + 1e-5);
      // 2,000 draws: the KS statistic exceeds 1.95 / sqrt(n) = 0.044 with probability 0.001.
      expect(kolmogorovSmirnov(zooms, 0.8, 1.2)).toBeLessThan(1.95 / Math.sqrt(n));
    }
    // Independent: the correlation of n independent pairs has standard deviation 1 / sqrt(n).
    expect(Math.abs(correlation(widthZooms, heightZooms))).toBeLessThan(4 / Math.sqrt(n));
    tf.dispose([column, row, images]);
  });
});
