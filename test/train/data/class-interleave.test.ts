import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';

import { classInterleavedOrder } from '@mlpx/train/src/data/class-interleave.js';

/** Labels in class order: sizes[0] of class 0, then sizes[1] of class 1, ... */
function classOrdered(sizes: readonly number[]): number[] {
  return sizes.flatMap((size, c) => Array<number>(size).fill(c));
}

/** The largest |count_c(m) - m * share_c| over every prefix m and class c of `order`. */
function largestDeviation(labels: readonly number[], order: Int32Array): number {
  const classes = Math.max(...labels) + 1;
  const sizes = Array.from({ length: classes }, (_, c) => labels.filter((l) => l === c).length);
  const counts = new Array<number>(classes).fill(0);
  let worst = 0;
  order.forEach((index, i) => {
    counts[labels[index]!]! += 1;
    sizes.forEach((size, c) => (worst = Math.max(worst, Math.abs(counts[c]! - ((i + 1) * size) / labels.length))));
  });
  return worst;
}

describe('classInterleavedOrder', () => {
  it('alternates equal classes and keeps each class in its order', () => {
    expect(Array.from(classInterleavedOrder(classOrdered([3, 3, 3])))).toEqual([0, 3, 6, 1, 4, 7, 2, 5, 8]);
    expect(Array.from(classInterleavedOrder([1, 0, 1, 0, 0]))).toEqual([1, 0, 3, 2, 4]);
  });

  it('keeps every prefix and suffix within one image of each class share, for any class sizes', () => {
    const random = seedrandom.alea('interleave');
    for (let trial = 0; trial < 300; trial++) {
      const classes = 2 + Math.floor(random() * 9);
      const sizes = Array.from({ length: classes }, () => 1 + Math.floor(random() ** 3 * 200));
      const labels = classOrdered(sizes);
      const order = classInterleavedOrder(labels);
      expect([...order].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
      // Tijdeman's bound, 1 - 1/(2k - 2); a suffix's deviation is its prefix's.
      expect(largestDeviation(labels, order)).toBeLessThanOrEqual(1 - 1 / (2 * classes - 2) + 1e-9);
    }
  });

  it('leaves a single class as it is', () => {
    expect(Array.from(classInterleavedOrder([2, 2, 2]))).toEqual([0, 1, 2]);
  });
});
