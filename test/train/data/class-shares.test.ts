import { describe, expect, it } from 'vitest';

import { classShares } from '@mlpx/train/src/data/class-shares.js';

describe('classShares', () => {
  it('splits in proportion, the largest remainders rounding up (the lower class on a tie)', () => {
    expect(classShares([61, 61, 61], 100)).toEqual([34, 33, 33]);
    expect(classShares([63, 45, 73], 100)).toEqual([35, 25, 40]);
    expect(classShares([10, 30], 8)).toEqual([2, 6]);
  });

  it('keeps one image of a class too small for a share, taking it from the largest', () => {
    expect(classShares([1000, 3, 2], 20)).toEqual([18, 1, 1]);
    expect(classShares([5, 1, 1, 1], 4)).toEqual([1, 1, 1, 1]);
  });

  it('keeps everything when the total is no smaller than the classes together', () => {
    expect(classShares([4, 2], 6)).toEqual([4, 2]);
    expect(classShares([4, 2], 60)).toEqual([4, 2]);
  });

  it('never gives a class more than it has, and adds up to the total', () => {
    for (const [sizes, total] of [
      [[1, 50, 2], 30],
      [[7, 7, 7, 7, 7], 11],
      [[100, 1], 2],
      [[3, 0, 9], 5],
    ] as const) {
      const shares = classShares(sizes, total);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      shares.forEach((share, c) => {
        expect(share).toBeLessThanOrEqual(sizes[c]!);
        if (sizes[c]! > 0) expect(share).toBeGreaterThanOrEqual(1);
      });
    }
  });

  it('refuses a total smaller than the number of classes', () => {
    expect(() => classShares([5, 5, 5], 2)).toThrow(RangeError);
  });
});
