/**
 * The single entry point to the datasets of `mlpx train`: a dataset spec ('cifar100',
 * 'fashion-mnist', 'fashion-mnist-sample' or 'folder:<dir>') to an ImageDataset, cut to its first
 * `limit` images when asked. A limit beyond the training images uses them all, and says so: the
 * shipped Fashion-MNIST sample holds 10,000, and a run should not look as if it had more. A
 * folder: dataset keeps each class's share instead (limit.ts), and says how many of each it kept.
 */
import { MlpxError } from '@mlpx/core';
import { loadCifar100 } from './cifar100.js';
import type { ImageDataset, LoadDatasetOptions } from './dataset.js';
import { loadFashionMnist, loadFashionMnistSample } from './fashion-mnist.js';
import { FASHION_MNIST_SAMPLE } from './fashion-mnist-sample.js';
import { loadImageFolder } from './image-folder.js';
import { checkLimit, describeKeptClasses, limitDataset } from './limit.js';

export const DATASET_SPECS = ['cifar100', 'fashion-mnist', FASHION_MNIST_SAMPLE, 'folder:<dir>'] as const;

const FOLDER_PREFIX = 'folder:';

export type LoadDatasetRequest = LoadDatasetOptions & {
  /** Keep the first `limit` training images and the first min(limit, test count) test images. */
  readonly limit?: number;
  /** Side of the square that folder: images are resized to (default 32). */
  readonly folderImageSize?: number;
  /**
   * The run's seed: draws the order of each class's training images of a folder: dataset, and so
   * which images `limit` keeps and which validate; file-name order when absent.
   */
  readonly seed?: number;
};

export async function loadDataset(spec: string, options: LoadDatasetRequest = {}): Promise<ImageDataset> {
  if (options.limit !== undefined) checkLimit(options.limit);
  const dataset = await loadSpec(spec, options);
  if (options.limit === undefined) return dataset;
  if (options.limit > dataset.train.count) {
    options.onInfo?.(`limit ${options.limit} is more than the ${dataset.train.count} training images of ${dataset.name}: using all ${dataset.train.count}`);
  }
  const limited = limitDataset(dataset, options.limit);
  if (dataset.classInterleaved && options.limit < dataset.train.count) {
    options.onInfo?.(`limit ${options.limit}: ${describeKeptClasses(dataset, limited)}`);
  }
  return limited;
}

function loadSpec(spec: string, options: LoadDatasetRequest): Promise<ImageDataset> {
  if (spec === 'cifar100') return loadCifar100(options);
  if (spec === 'fashion-mnist') return loadFashionMnist(options);
  if (spec === FASHION_MNIST_SAMPLE) return loadFashionMnistSample(options);
  if (spec.startsWith(FOLDER_PREFIX) && spec.length > FOLDER_PREFIX.length) {
    return loadImageFolder(spec.slice(FOLDER_PREFIX.length), {
      imageSize: options.folderImageSize,
      seed: options.seed,
      onInfo: options.onInfo,
    });
  }
  throw new MlpxError(`unknown dataset '${spec}': expected one of ${DATASET_SPECS.join(', ')}`);
}
