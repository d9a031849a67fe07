/**
 * The `limit` option: keeps the first N training images and the first min(N, test count) test
 * images. The kept images are copied, so the full arrays can be garbage-collected.
 */
import { MlpxError } from '@mlpx/core';
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
    train: firstImages(dataset.train, limit, imageBytes),
    test: firstImages(dataset.test, limit, imageBytes),
  };
}

function firstImages(split: ImageSplit, limit: number, imageBytes: number): ImageSplit {
  if (limit >= split.count) return split;
  return {
    images: split.images.slice(0, limit * imageBytes),
    labels: split.labels.slice(0, limit),
    count: limit,
  };
}
