/**
 * Briefly trained models of each family on real Fashion-MNIST images, for the export tests: one
 * epoch on 1,000 images at a small configuration that still resizes (28 -> 32) and patches.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@mlpx/train/src/data/dataset.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import type { ModelName } from '@mlpx/train/src/models/model-config.js';
import { validationSplit } from '@mlpx/train/src/training/batches.js';
import { fit } from '@mlpx/train/src/fit/fit.js';

export const FASHION_SHAPE = { height: 28, width: 28, channels: 1 };

let dataset: Promise<ImageDataset> | undefined;
export function fashionMnist(): Promise<ImageDataset> {
  dataset ??= loadDataset('fashion-mnist-sample', { limit: 1000 });
  return dataset;
}

export async function trainedModel(model: ModelName): Promise<tf.LayersModel> {
  const data = await fashionMnist();
  randomSource.reseed(5);
  const classifier = buildClassifier(
    {
      model,
      inputHeight: 28,
      inputWidth: 28,
      inputChannels: 1,
      numClasses: 10,
      imageSize: 32,
      patchSize: 8,
      embeddingDim: 32,
      blocks: 2,
      dropout: 0.2,
      gelu: 'exact',
    },
    channelStatistics(data.train.images, 1),
  );
  await fit(classifier, validationSplit(data.train, FASHION_SHAPE, 0.1), FASHION_SHAPE, { epochs: 1, batchSize: 64, learningRate: 0.003, weightDecay: 1e-4 });
  return classifier;
}

/** The first `count` Fashion-MNIST test images as float32 0-255 NHWC. */
export async function fashionTestImages(count: number): Promise<Float32Array> {
  const data = await fashionMnist();
  return Float32Array.from(data.test.images.subarray(0, count * 28 * 28));
}
