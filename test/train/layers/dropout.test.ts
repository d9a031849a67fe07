/** The training step's dropout: the mask's statistics, its seeding, and inverted scaling. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dropout, dropoutMask, dropoutMaskSwapped } from '@mlpx/train/src/layers/ops/dropout.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('wasm');

describe('dropoutMask', () => {
  for (const rate of [0.2, 0.5, 0.9]) {
    it(`keeps a fraction 1 - ${rate} of the values, each scaled by 1 / (1 - rate)`, () => {
      const mask = dropoutMask(200_000, rate, 12345);
      const kept = mask.filter((v) => v !== 0);
      // Binomial standard deviation is at most 0.0011 here: 5 of them.
      expect(Math.abs(kept.length / mask.length - (1 - rate))).toBeLessThan(0.0056);
      expect(new Set(kept)).toEqual(new Set([Math.fround(1 / (1 - rate))]));
    });
  }
  it('computes any stretch of the stream directly (a thread drawing its part of a batch mask)', () => {
    expect(dropoutMask(100, 0.3, 99, 40)).toEqual(dropoutMask(200, 0.3, 99).subarray(40, 140));
  });

  it('computes a stretch starting or ending mid-pair (each 32-bit draw decides two values)', () => {
    const whole = dropoutMask(301, 0.3, 99);
    for (const [start, size] of [
      [41, 100],
      [40, 101],
      [41, 101],
      [0, 1],
      [7, 1],
    ] as [number, number][]) {
      expect(dropoutMask(size, 0.3, 99, start)).toEqual(whole.subarray(start, start + size));
    }
  });

  it('drops a fraction within 1e-4 of the rate in expectation (16 bits a value)', () => {
    for (const rate of [0.1, 0.2, 0.3, 0.5, 0.9]) {
      const keep = Math.round((1 - rate) * 65536) / 65536;
      expect(Math.abs(keep - (1 - rate))).toBeLessThan(1e-5);
    }
    const mask = dropoutMask(4_000_000, 0.2, 4321);
    let dropped = 0;
    for (const v of mask) if (v === 0) dropped++;
    // Binomial standard deviation 2e-4: within 5 of them.
    expect(Math.abs(dropped / mask.length - 0.2)).toBeLessThan(1e-3);
  });

  it('lays the same mask out with its last two axes swapped (dropoutMaskSwapped)', () => {
    for (const [batch, rows, cols, start] of [
      [3, 4, 6, 0],
      [2, 5, 4, 40],
      [2, 3, 5, 0],
      [2, 4, 6, 3],
      [2, 20, 36, 1440],
    ]) {
      const plain = dropoutMask(batch! * rows! * cols!, 0.4, 17, start);
      const swapped = dropoutMaskSwapped([batch!, rows!, cols!], 0.4, { seed: 17, start: start! });
      for (let b = 0; b < batch!; b++) {
        for (let r = 0; r < rows!; r++) {
          for (let c = 0; c < cols!; c++) expect(swapped[(b * cols! + c) * rows! + r]).toBe(plain[(b * rows! + r) * cols! + c]);
        }
      }
    }
  });

  it('repeats for a seed, differs between seeds, and has no run-length bias', () => {
    expect(dropoutMask(1000, 0.2, 7)).toEqual(dropoutMask(1000, 0.2, 7));
    const a = dropoutMask(10_000, 0.5, 7);
    const b = dropoutMask(10_000, 0.5, 8);
    let same = 0;
    let repeats = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) same++;
      if (i > 0 && (a[i] === 0) === (a[i - 1] === 0)) repeats++;
    }
    expect(same / a.length).toBeGreaterThan(0.45);
    expect(same / a.length).toBeLessThan(0.55);
    expect(repeats / (a.length - 1)).toBeGreaterThan(0.45);
    expect(repeats / (a.length - 1)).toBeLessThan(0.55);
  });
});

describe('dropout', () => {
  it('is the identity outside training and keeps the mean in training', async () => {
    const x = tf.ones([64, 64, 32]);
    expect(dropout(x, 0.2, false)).toBe(x);
    randomSource.reseed(1);
    const dropped = dropout(x, 0.2, true);
    expect(Math.abs((await tf.mean(dropped).data())[0]! - 1)).toBeLessThan(0.02);
    randomSource.reseed(1);
    expect(await dropout(x, 0.2, true).data()).toEqual(await dropped.data());
  });
});
