import { describe, expect, it } from 'vitest';

import { forEachConcurrent } from '@mlpx/train/src/data/map-concurrent.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('forEachConcurrent', () => {
  it('visits every item with at most `limit` tasks in flight', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrent([10, 11, 12, 13, 14, 15, 16], 3, async (item, index) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      seen[index] = item;
      running--;
    });
    expect(seen).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and starts no further tasks', async () => {
    const started: number[] = [];
    const run = forEachConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('task 1 failed');
    });
    await expect(run).rejects.toThrow('task 1 failed');
    expect(started.length).toBeLessThan(8);
  });
});
