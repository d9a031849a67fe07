/**
 * The CIFAR-100 binary format (https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version"):
 * a file of 3,074-byte records, each a coarse-label byte, a fine-label byte, then 1,024 red,
 * 1,024 green and 1,024 blue bytes, every channel a row-major 32x32 plane. The label names come in
 * text files, one name per line, line i naming label i.
 */
import { MlpxError } from '@mlpx/core';
import type { ImageSplit } from './dataset.js';

export const CIFAR_IMAGE_SIZE = 32;
export const CIFAR_CHANNELS = 3;
export const CIFAR100_CLASS_COUNT = 100;
const PLANE_BYTES = CIFAR_IMAGE_SIZE * CIFAR_IMAGE_SIZE;
const LABEL_BYTES = 2;
const CIFAR100_RECORD_BYTES = LABEL_BYTES + CIFAR_CHANNELS * PLANE_BYTES;

/** The records of a CIFAR-100 binary file as NHWC images with their fine labels. */
export function parseCifar100Records(data: Uint8Array, file: string): ImageSplit {
  if (data.length === 0 || data.length % CIFAR100_RECORD_BYTES !== 0) {
    throw new MlpxError(
      `${file} is truncated or not a CIFAR-100 binary file: ${data.length} bytes is not a positive multiple of the ${CIFAR100_RECORD_BYTES}-byte record size`,
    );
  }
  const count = data.length / CIFAR100_RECORD_BYTES;
  const images = new Uint8Array(count * CIFAR_CHANNELS * PLANE_BYTES);
  const labels = new Int32Array(count);
  for (let record = 0; record < count; record++) {
    const start = record * CIFAR100_RECORD_BYTES;
    const fine = data[start + 1];
    if (fine >= CIFAR100_CLASS_COUNT) {
      throw new MlpxError(`${file}: record ${record} has fine label ${fine}, expected 0-${CIFAR100_CLASS_COUNT - 1}`);
    }
    labels[record] = fine;
    const planes = start + LABEL_BYTES;
    const out = record * CIFAR_CHANNELS * PLANE_BYTES;
    for (let pixel = 0; pixel < PLANE_BYTES; pixel++) {
      for (let channel = 0; channel < CIFAR_CHANNELS; channel++) {
        images[out + pixel * CIFAR_CHANNELS + channel] = data[planes + channel * PLANE_BYTES + pixel];
      }
    }
  }
  return { images, labels, count };
}

/** The names in a label-names file, which must hold exactly `expectedCount` non-blank lines. */
export function parseLabelNames(text: string, file: string, expectedCount: number): string[] {
  const names = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length !== expectedCount) {
    throw new MlpxError(`${file} names ${names.length} classes, expected ${expectedCount}`);
  }
  return names;
}
