/**
 * A folder: dataset's splits: read class by class from disk, yet the validation split and --limit
 * take every class in proportion, drawn from the run's seed; the array datasets keep the seed's
 * first-N / last-fraction rules.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ImageSplit } from '@mlpx/train/src/data/dataset.js';
import { classCounts } from '@mlpx/train/src/data/limit.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { validationSplit } from '@mlpx/train/src/training/batches.js';
import { expectMlpxError, tempDir } from '../../helpers/dataset-fixtures.js';
import { writeImageFolder } from '../../helpers/image-folder-fixture.js';

const SHAPE = { height: 8, width: 8, channels: 3 };
// 201 images in class order on disk; every 10th of each class is the test split: 63 + 45 + 73 train.
const COUNTS = { circle: 70, square: 50, triangle: 81 };

let work: Awaited<ReturnType<typeof tempDir>>;
let photos: string;
beforeAll(async () => {
  work = await tempDir();
  photos = join(work.path, 'photos');
  await writeImageFolder(photos, COUNTS);
}, 60_000);
afterAll(async () => {
  await work.remove();
});

const load = (seed: number | undefined, extra: { limit?: number; onInfo?: (message: string) => void } = {}) =>
  loadDataset(`folder:${photos}`, { folderImageSize: 8, ...(seed === undefined ? {} : { seed }), ...extra });

/** Each class of `whole` is in `part` within one image of its share, and at least once. */
function expectEveryClassInProportion(part: ImageSplit, whole: ImageSplit): void {
  const wholeCounts = classCounts(whole, 3);
  const partCounts = classCounts(part, 3);
  wholeCounts.forEach((count, c) => {
    const share = (part.count * count) / whole.count;
    expect(Math.abs(partCounts[c]! - share), `class ${c}: ${partCounts[c]} of ${part.count}, share ${share.toFixed(2)}`).toBeLessThanOrEqual(1);
    expect(partCounts[c]).toBeGreaterThan(0);
  });
}

const bytes = (split: ImageSplit) => Buffer.from(split.images.buffer, split.images.byteOffset, split.images.byteLength);

describe('folder: validation split', () => {
  it('holds every class in proportion, for the seed and other fractions', async () => {
    const dataset = await load(42);
    expect(classCounts(dataset.train, 3)).toEqual([63, 45, 73]);
    for (const fraction of [0.1, 0.2, 0.35]) {
      const split = validationSplit(dataset.train, SHAPE, fraction);
      expectEveryClassInProportion(split.validation, dataset.train);
      expectEveryClassInProportion(split.train, dataset.train);
    }
    // 181 - floor(181 * 0.9) = 19 validate: 6.6, 4.7 and 7.7 of the three classes.
    const seeds = validationSplit(dataset.train, SHAPE, 0.1);
    expect(seeds.validation.count).toBe(19);
    expect(classCounts(seeds.validation, 3)).toEqual([7, 5, 7]);
  });

  it('is the same for the same seed, another for another seed; the test split is the seed-free one', async () => {
    const [first, again, other] = await Promise.all([load(42), load(42), load(7)]);
    const validation = (dataset: typeof first) => validationSplit(dataset.train, SHAPE, 0.1).validation;
    expect(bytes(validation(again)).equals(bytes(validation(first)))).toBe(true);
    expect(Array.from(again.train.labels)).toEqual(Array.from(first.train.labels));
    expect(bytes(validation(other)).equals(bytes(validation(first)))).toBe(false);
    expectEveryClassInProportion(validation(other), other.train);
    // Only the order differs: the same training images, the same test split.
    expect(classCounts(other.train, 3)).toEqual(classCounts(first.train, 3));
    expect(bytes(other.test).equals(bytes(first.test))).toBe(true);
  });

  it('interleaves the test split, so its first images hold every class too', async () => {
    const dataset = await load(undefined);
    expect(dataset.test.count).toBe(7 + 5 + 8);
    expect(Array.from(dataset.test.labels.subarray(0, 3)).sort()).toEqual([0, 1, 2]);
    expectEveryClassInProportion({ ...dataset.test, labels: dataset.test.labels.subarray(0, 10), count: 10 }, dataset.test);
  });
});

describe('folder: --limit', () => {
  it('keeps each class in proportion and says how many of each', async () => {
    const infos: string[] = [];
    const full = await load(42);
    const dataset = await load(42, { limit: 100, onInfo: (message) => infos.push(message) });
    expect(dataset.train.count).toBe(100);
    expect(classCounts(dataset.train, 3)).toEqual([35, 25, 40]);
    expectEveryClassInProportion(dataset.train, full.train);
    // Still interleaved: the validation split of the limited set holds every class too.
    expectEveryClassInProportion(validationSplit(dataset.train, SHAPE, 0.1).validation, dataset.train);
    expect(infos).toContain(`limit 100: kept 35 circle, 25 square, 40 triangle of the 181 training images of folder:${photos} (each class in proportion)`);
    // The test split keeps its first min(limit, count) images, as for every dataset.
    expect(dataset.test.count).toBe(20);
  });

  it('keeps one image of each class under a tiny limit, and refuses fewer images than classes', async () => {
    const dataset = await load(42, { limit: 4 });
    expect(classCounts(dataset.train, 3)).toEqual([1, 1, 2]);
    expect(classCounts(dataset.test, 3)).toEqual([1, 1, 2]);
    await expectMlpxError(load(42, { limit: 2 }), 'limit 2 is fewer than the 3 classes', `folder:${photos}`);
  });

  it('says nothing about classes when the limit keeps every image', async () => {
    const infos: string[] = [];
    const dataset = await load(42, { limit: 500, onInfo: (message) => infos.push(message) });
    expect(dataset.train.count).toBe(181);
    expect(infos.some((message) => message.includes('kept'))).toBe(false);
  });
});

describe('array datasets keep the seed rule', () => {
  it('fashion-mnist-sample: --limit keeps the first N images whatever the seed', async () => {
    const plain = await loadDataset('fashion-mnist-sample', { limit: 50 });
    const seeded = await loadDataset('fashion-mnist-sample', { limit: 50, seed: 3 });
    expect(plain.classInterleaved).toBeUndefined();
    expect(Array.from(seeded.train.labels)).toEqual(Array.from(plain.train.labels));
    expect(bytes(seeded.train).equals(bytes(plain.train))).toBe(true);
  });
});
