/** The training step's dropout: the mask's statistics, its seeding, and inverted scaling. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dropout, dropoutMask } from '../../../packages/train/src/layers/ops/dropout.js';
import { randomSource } from '../../../packages/train/src/layers/random-source.js';
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
