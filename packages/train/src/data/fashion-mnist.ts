/**
 * Fashion-MNIST (https://github.com/zalandoresearch/fashion-mnist): 28x28 greyscale images in 10
 * classes, as four IDX files (see idx.ts), gzip-compressed as published or uncompressed.
 * Sources, in order: options.dataFile (a folder holding the four files), the folder of Debian's
 * dataset-fashion-mnist package ($MLPX_FASHION_MNIST_SYSTEM_DIR replaces it), the cache, a
 * download verified against the md5s Fashion-MNIST's own README publishes, else, when the download fails, the
 * sample shipped with the package (fashion-mnist-sample.ts). The 'fashion-mnist-sample' spec
 * loads that sample directly.
 */
import { join } from 'node:path';

import { MlpxError } from '@mlpx/core';
import { resolveDataDir } from './cache-dir.js';
import type { ImageDataset, ImageSplit, LoadDatasetOptions } from './dataset.js';
import { downloadFile, type Checksum } from './download.js';
import { gunzipIfCompressed } from './gunzip.js';
import { describeSample, FASHION_MNIST_SAMPLE, FASHION_MNIST_SAMPLE_DIR } from './fashion-mnist-sample.js';
import { parseIdxImages, parseIdxLabels } from './idx.js';
import { readDataFile, statIfExists } from './read-file.js';

export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

const IMAGE_SIZE = 28;

/** The four files, without their '.gz' suffix. */
export const FASHION_MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;
export type FashionMnistFile = (typeof FASHION_MNIST_FILES)[number];

export interface FashionMnistSources {
  /** A folder tried after options.dataFile: where a system package installs the files. */
  readonly systemDir: string;
  /** The URL of the folder the '.gz' files are downloaded from. */
  readonly baseUrl: string;
  /** The digest of each published '.gz' file. */
  readonly checksums: Readonly<Record<FashionMnistFile, Checksum>>;
  /** The folder used when the download fails; without one, the download's error is thrown. */
  readonly sampleDir?: string;
}

const md5 = (hex: string): Checksum => ({ algorithm: 'md5', hex });

/**
 * S3 website endpoints serve plain HTTP only (they do not support HTTPS), so the md5s from
 * Fashion-MNIST's own README (the zalandoresearch repository above) are what make the download trustworthy.
 */
export const FASHION_MNIST_SOURCES: FashionMnistSources = {
  systemDir: '/usr/share/datasets/fashion-mnist',
  baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  checksums: {
    'train-images-idx3-ubyte': md5('8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
    'train-labels-idx1-ubyte': md5('25c81989df183df01b3e8a0aad5dffbe'),
    't10k-images-idx3-ubyte': md5('bef4ecab320f06d8554ea6380940ec79'),
    't10k-labels-idx1-ubyte': md5('bb300cfdad3c16e7a12a480ee83cd310'),
  },
  sampleDir: FASHION_MNIST_SAMPLE_DIR,
};

/**
 * The official sources, with the download URL replaced by $MLPX_FASHION_MNIST_URL (a mirror) and
 * the system folder by $MLPX_FASHION_MNIST_SYSTEM_DIR (a copy elsewhere, or a missing folder to
 * act as a machine without the Debian package) when set.
 */
export function fashionMnistSources(): FashionMnistSources {
  const { MLPX_FASHION_MNIST_URL: mirror, MLPX_FASHION_MNIST_SYSTEM_DIR: systemDir } = process.env;
  return {
    ...FASHION_MNIST_SOURCES,
    ...(mirror ? { baseUrl: mirror } : {}),
    ...(systemDir ? { systemDir } : {}),
  };
}

type FilePaths = Record<FashionMnistFile, string>;

export async function loadFashionMnist(options: LoadDatasetOptions, sources: FashionMnistSources = fashionMnistSources()): Promise<ImageDataset> {
  const { source, paths } = await locate(options, sources);
  return readDataset('fashion-mnist', source, paths);
}

/** The shipped sample, asked for by name ('fashion-mnist-sample'). */
export async function loadFashionMnistSample(options: Pick<LoadDatasetOptions, 'onInfo'>, sampleDir: string = FASHION_MNIST_SAMPLE_DIR): Promise<ImageDataset> {
  options.onInfo?.(`using ${describeSample(sampleDir)}`);
  return readDataset(FASHION_MNIST_SAMPLE, sampleDir, gzipPaths(sampleDir));
}

/** The four '.gz' files in `folder` (the cache and the sample hold them compressed). */
function gzipPaths(folder: string): FilePaths {
  return Object.fromEntries(FASHION_MNIST_FILES.map((file) => [file, join(folder, `${file}.gz`)])) as FilePaths;
}

async function readDataset(name: string, source: string, paths: FilePaths): Promise<ImageDataset> {
  const train = await readSplit(paths['train-images-idx3-ubyte'], paths['train-labels-idx1-ubyte']);
  const test = await readSplit(paths['t10k-images-idx3-ubyte'], paths['t10k-labels-idx1-ubyte']);
  return {
    name,
    height: IMAGE_SIZE,
    width: IMAGE_SIZE,
    channels: 1,
    classNames: FASHION_MNIST_CLASS_NAMES,
    train,
    test,
    source,
  };
}

async function locate(options: LoadDatasetOptions, sources: FashionMnistSources): Promise<{ source: string; paths: FilePaths }> {
  const { dataFile, onInfo } = options;
  if (dataFile !== undefined) {
    const stats = await statIfExists(dataFile);
    if (stats === undefined) throw new MlpxError(`${dataFile} does not exist`);
    if (!stats.isDirectory()) {
      throw new MlpxError(`${dataFile} is a file; for fashion-mnist give a folder holding ${FASHION_MNIST_FILES.join(', ')} (each .gz or uncompressed)`);
    }
    const found = await findFiles(dataFile);
    const missing = FASHION_MNIST_FILES.filter((file) => found[file] === undefined);
    if (missing.length > 0) {
      throw new MlpxError(`${dataFile} has no ${missing.map((file) => `${file}.gz or ${file}`).join(', no ')}`);
    }
    onInfo?.(`using ${dataFile}`);
    return { source: dataFile, paths: found as FilePaths };
  }

  const system = await findFiles(sources.systemDir);
  if (FASHION_MNIST_FILES.every((file) => system[file] !== undefined)) {
    onInfo?.(`using ${sources.systemDir}`);
    return { source: sources.systemDir, paths: system as FilePaths };
  }

  // Every file in the cache was verified when it was downloaded; fetch only the missing ones.
  const cacheDir = join(resolveDataDir(options.dataDir), 'fashion-mnist');
  try {
    await fillCache(cacheDir, options, sources);
  } catch (error) {
    // Offline (or the server is down): the shipped sample holds the same first images, enough for
    // the quick start; the line says so, since a run on it sees 10,000 training images, not 60,000.
    if (!(error instanceof MlpxError) || sources.sampleDir === undefined) throw error;
    onInfo?.(error.message);
    onInfo?.(`using ${describeSample(sources.sampleDir)}`);
    return { source: sources.sampleDir, paths: gzipPaths(sources.sampleDir) };
  }
  onInfo?.(`using ${cacheDir}`);
  return { source: cacheDir, paths: gzipPaths(cacheDir) };
}

/** Downloads into the cache each file it does not hold yet (each one verified when it arrived). */
async function fillCache(cacheDir: string, options: LoadDatasetOptions, sources: FashionMnistSources): Promise<void> {
  const baseUrl = sources.baseUrl.endsWith('/') ? sources.baseUrl : `${sources.baseUrl}/`;
  for (const file of FASHION_MNIST_FILES) {
    const destination = join(cacheDir, `${file}.gz`);
    if ((await statIfExists(destination)) !== undefined) continue;
    const url = `${baseUrl}${file}.gz`;
    options.onInfo?.(`downloading ${url} to ${destination}`);
    await downloadFile({
      url,
      checksum: sources.checksums[file],
      destination,
      onProgress: options.onDownloadProgress,
    });
  }
}

/** The path of each file present in `folder`, compressed ('.gz') or not. */
async function findFiles(folder: string): Promise<Partial<FilePaths>> {
  const found: Partial<FilePaths> = {};
  for (const file of FASHION_MNIST_FILES) {
    for (const candidate of [`${file}.gz`, file]) {
      const path = join(folder, candidate);
      if ((await statIfExists(path))?.isFile()) {
        found[file] = path;
        break;
      }
    }
  }
  return found;
}

async function readIdxFile(file: string): Promise<Buffer> {
  return gunzipIfCompressed(await readDataFile(file), file);
}

async function readSplit(imagesFile: string, labelsFile: string): Promise<ImageSplit> {
  const images = parseIdxImages(await readIdxFile(imagesFile), imagesFile);
  if (images.height !== IMAGE_SIZE || images.width !== IMAGE_SIZE) {
    throw new MlpxError(`${imagesFile} holds ${images.height}x${images.width} images, expected ${IMAGE_SIZE}x${IMAGE_SIZE}`);
  }
  const labels = parseIdxLabels(await readIdxFile(labelsFile), labelsFile);
  if (labels.length !== images.count) {
    throw new MlpxError(`${labelsFile} holds ${labels.length} labels but ${imagesFile} holds ${images.count} images`);
  }
  const outOfRange = labels.findIndex((label) => label >= FASHION_MNIST_CLASS_NAMES.length);
  if (outOfRange !== -1) {
    throw new MlpxError(`${labelsFile}: label ${labels[outOfRange]} at index ${outOfRange} is out of range 0-${FASHION_MNIST_CLASS_NAMES.length - 1}`);
  }
  return { images: images.pixels, labels: Int32Array.from(labels), count: images.count };
}
