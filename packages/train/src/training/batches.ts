/**
 * Turns uint8 NHWC images into float32 batch tensors, and makes the seed's splits: Keras'
 * validation_split takes the LAST fraction of the training arrays, before any shuffling.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageShape, ImageSplit } from '@mlpx/core';

export type { ImageShape } from '@mlpx/core';

/** The images and labels at `indices`, as a [n, H, W, C] float32 tensor and an int32 vector. */
export function gatherBatch(split: ImageSplit, shape: ImageShape, indices: ArrayLike<number>): { images: tf.Tensor4D; labels: tf.Tensor1D } {
  const pixels = shape.height * shape.width * shape.channels;
  const images = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const offset = index * pixels;
    images.set(split.images.subarray(offset, offset + pixels), i * pixels);
    labels[i] = split.labels[index]!;
  }
  return {
    images: tf.tensor4d(images, [indices.length, shape.height, shape.width, shape.channels]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

/** Keras' validation_split: the last round(fraction * n) examples validate, the rest train. */
export function validationSplit(split: ImageSplit, shape: ImageShape, fraction: number): { train: ImageSplit; validation: ImageSplit } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation split must be in (0, 1), got ${fraction}`);
  const pixels = shape.height * shape.width * shape.channels;
  // Keras: split_at = int(num_samples * (1 - validation_split)).
  const splitAt = Math.floor(split.count * (1 - fraction));
  if (splitAt < 1 || splitAt >= split.count) {
    throw new RangeError(`${split.count} training images are too few for a ${fraction * 100}% validation split`);
  }
  return {
    train: { images: split.images.subarray(0, splitAt * pixels), labels: split.labels.subarray(0, splitAt), count: splitAt },
    validation: { images: split.images.subarray(splitAt * pixels), labels: split.labels.subarray(splitAt), count: split.count - splitAt },
  };
}
