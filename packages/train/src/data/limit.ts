/**
 * The `limit` option: keeps the first N training images and the first min(N, test count) test
 * images. A class-interleaved dataset (a folder:) keeps each class's share of the N training
 * images instead, at least one of each (class-shares.ts), still class-interleaved; its test split
 * is class-interleaved already, so its first images hold every class in proportion, and they stay
 * the first images of the split that `mlpx eval` compares with. The kept images are copied, so
 * the full arrays can be garbage-collected.
 */
import { MlpxError } from '@mlpx/core';
import { classInterleavedOrder } from './class-interleave.js';
import { classShares } from './class-shares.js';
import type { ImageDataset, ImageSplit } from './dataset.js';

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new MlpxError(`the image limit must be a positive integer, got ${limit}`);
  }
}

export function limitDataset(dataset: ImageDataset, limit: number): ImageDataset {
  checkLimit(limit);
  const imageBytes = dataset.height * dataset.width * dataset.channels;
  return {
    ...dataset,
    train: dataset.classInterleaved ? eachClassShare(dataset, limit, imageBytes) : firstImages(dataset.train, limit, imageBytes),
    test: firstImages(dataset.test, limit, imageBytes),
  };
}

/** The number of images of each class in `split`. */
export function classCounts(split: ImageSplit, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of split.labels) counts[label] = counts[label]! + 1;
  return counts;
}

const LISTED_CLASSES = 12;

/**
 * What `limit` kept of a class-interleaved dataset, for the user: 'kept 34 circle, 33 square, 33
 * triangle of the 181 training images of folder:photos (each class in proportion)'; past 12
 * classes, the range of images per class.
 */
export function describeKeptClasses(full: ImageDataset, limited: ImageDataset): string {
  const counts = classCounts(limited.train, limited.classNames.length);
  const of = `of the ${full.train.count} training images of ${full.name}`;
  if (counts.length > LISTED_CLASSES) {
    return `kept ${limited.train.count} ${of}, ${Math.min(...counts)} to ${Math.max(...counts)} of each of its ${counts.length} classes (in proportion)`;
  }
  return `kept ${counts.map((count, c) => `${count} ${limited.classNames[c]}`).join(', ')} ${of} (each class in proportion)`;
}

function firstImages(split: ImageSplit, limit: number, imageBytes: number): ImageSplit {
  if (limit >= split.count) return split;
  return {
    images: split.images.slice(0, limit * imageBytes),
    labels: split.labels.slice(0, limit),
    count: limit,
  };
}

/** The first images of each class, as many as its share of `limit`, class-interleaved. */
function eachClassShare(dataset: ImageDataset, limit: number, imageBytes: number): ImageSplit {
  const split = dataset.train;
  if (limit >= split.count) return split;
  const sizes = classCounts(split, dataset.classNames.length);
  const present = sizes.filter((size) => size > 0).length;
  if (limit < present) {
    throw new MlpxError(`limit ${limit} is fewer than the ${present} classes of ${dataset.name}: it must keep at least one training image of each`);
  }
  const shares = classShares(sizes, limit);
  const taken = new Array<number>(sizes.length).fill(0);
  const kept: number[] = [];
  split.labels.forEach((label, index) => {
    if (taken[label]! < shares[label]!) {
      taken[label] = taken[label]! + 1;
      kept.push(index);
    }
  });
  const order = classInterleavedOrder(kept.map((index) => split.labels[index]!));
  const images = new Uint8Array(kept.length * imageBytes);
  const labels = new Int32Array(kept.length);
  order.forEach((k, i) => {
    const index = kept[k]!;
    images.set(split.images.subarray(index * imageBytes, (index + 1) * imageBytes), i * imageBytes);
    labels[i] = split.labels[index]!;
  });
  return { images, labels, count: kept.length };
}
