/**
 * A dataset from a folder of images in the ImageFolder layout (one sub-folder per class, named
 * after the class; class indices follow the sorted folder names). PNG, JPEG and WebP files are
 * decoded with sharp, turned upright from their EXIF orientation, stripped of alpha, converted to
 * sRGB (so greyscale becomes 3 channels) and resized to size x size with fit 'fill' (decode-image.ts): stretched to
 * the square, never cropped or padded, so aspect ratios are not preserved.
 * Splits: `<dir>/train` and `<dir>/test` when both exist (with the same class folders), else every
 * 10th image of each class, in sorted file-name order, is held out as the test split.
 * Order: each class's training images in an order drawn from `seed` (file-name order without one),
 * the test images in file-name order; then both splits class-interleaved (class-interleave.ts), so
 * that the first N images (--limit) and the last fraction (the validation split) hold every class
 * in proportion, as a shuffled array would on average and a folder read class by class would not.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';

import seedrandom from 'seedrandom';

import { decodeImage, MlpxError } from '@mlpx/core';
import { shuffledIndices } from './shuffled-indices.js';
import { classInterleavedOrder } from './class-interleave.js';
import type { ImageDataset, ImageSplit, LoadDatasetOptions } from './dataset.js';
import { forEachConcurrent } from './map-concurrent.js';
import { fileError, statIfExists } from './read-file.js';

export const DEFAULT_FOLDER_IMAGE_SIZE = 32;
const CHANNELS = 3;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);
const HOLD_OUT_EVERY = 10;

export interface ImageFolderOptions {
  /** Side of the square every image is resized to; DEFAULT_FOLDER_IMAGE_SIZE when absent. */
  readonly imageSize?: number;
  /** Draws the order of each class's training images (the run's seed); file-name order when absent. */
  readonly seed?: number;
  readonly onInfo?: LoadDatasetOptions['onInfo'];
}

/** The image files of one split, per class index. */
type SplitFiles = string[][];

export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  const size = options.imageSize ?? DEFAULT_FOLDER_IMAGE_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new MlpxError(`the folder image size must be a positive integer, got ${size}`);
  }
  const stats = await statIfExists(dir);
  if (stats === undefined) throw new MlpxError(`${dir} does not exist`);
  if (!stats.isDirectory()) {
    throw new MlpxError(`${dir} is a file, expected a folder of class folders`);
  }

  const { classNames, train, test } = await listSplits(dir, options.onInfo);
  const trainSplit = await decodeSplit(options.seed === undefined ? train : shuffleEachClass(train, options.seed), size);
  const testSplit = await decodeSplit(test, size);
  return {
    name: `folder:${dir}`,
    height: size,
    width: size,
    channels: CHANNELS,
    classNames,
    train: trainSplit,
    test: testSplit,
    source: dir,
    classInterleaved: true,
  };
}

/** Each class's files in an order drawn from `seed`: the same seed, the same order. */
function shuffleEachClass(files: SplitFiles, seed: number): SplitFiles {
  const random = seedrandom.alea(`folder order ${seed}`);
  return files.map((classFiles) => Array.from(shuffledIndices(classFiles.length, random), (i) => classFiles[i]!));
}

async function listSplits(dir: string, onInfo: ImageFolderOptions['onInfo']): Promise<{ classNames: string[]; train: SplitFiles; test: SplitFiles }> {
  const trainDir = join(dir, 'train');
  const testDir = join(dir, 'test');
  const [trainStats, testStats] = await Promise.all([statIfExists(trainDir), statIfExists(testDir)]);
  if (trainStats?.isDirectory() && testStats?.isDirectory()) {
    const classNames = await listClasses(trainDir);
    const testClasses = await listClasses(testDir);
    if (!sameNames(classNames, testClasses)) {
      throw new MlpxError(
        `${trainDir} and ${testDir} must hold the same class folders; train has ${classNames.join(', ')}, test has ${testClasses.join(', ')}`,
      );
    }
    onInfo?.(`using ${trainDir} and ${testDir} as the train and test splits`);
    const train = await listClassImages(trainDir, classNames, onInfo);
    const test = await listClassImages(testDir, classNames, onInfo);
    return { classNames, train, test };
  }

  const classNames = await listClasses(dir);
  const perClass = await listClassImages(dir, classNames, onInfo);
  const isHeldOut = (index: number) => index % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1;
  const train = perClass.map((files) => files.filter((_, index) => !isHeldOut(index)));
  const test = perClass.map((files) => files.filter((_, index) => isHeldOut(index)));
  const testCount = test.reduce((sum, files) => sum + files.length, 0);
  if (testCount === 0) {
    throw new MlpxError(
      `${dir} has too few images to hold out a test split (every ${HOLD_OUT_EVERY}th image of each class); add images or give ${trainDir} and ${testDir} folders`,
    );
  }
  onInfo?.(`${dir} has no train/ and test/ folders: holding out every ${HOLD_OUT_EVERY}th image of each class (${testCount} images) as the test split`);
  return { classNames, train, test };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

async function readFolder(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw fileError(dir, error);
  }
}

/** The sorted names of the class folders in `dir`; at least two are required. */
async function listClasses(dir: string): Promise<string[]> {
  const classNames = (await readFolder(dir)).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (classNames.length < 2) {
    throw new MlpxError(
      `${dir} has ${classNames.length} class folder(s)${classNames.length ? ` (${classNames.join(', ')})` : ''}; at least 2 are needed, one sub-folder of images per class`,
    );
  }
  return classNames;
}

/** The image files of each class folder of `dir`, listed one folder after the other. */
async function listClassImages(dir: string, classNames: readonly string[], onInfo: ImageFolderOptions['onInfo']): Promise<SplitFiles> {
  const perClass: SplitFiles = [];
  for (const name of classNames) perClass.push(await listImages(join(dir, name), onInfo));
  return perClass;
}

/** The sorted image files of one class folder, which must hold at least one. */
async function listImages(classDir: string, onInfo: ImageFolderOptions['onInfo']): Promise<string[]> {
  const entries = await readFolder(classDir);
  const isImage = (entry: Dirent) => !entry.isDirectory() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase());
  const skipped = entries.filter((entry) => !isImage(entry)).map((entry) => entry.name);
  if (skipped.length > 0) {
    onInfo?.(`skipping ${skipped.length} non-image entries in ${classDir}: ${skipped.join(', ')}`);
  }
  const images = entries.filter(isImage).map((entry) => join(classDir, entry.name));
  if (images.length === 0) {
    throw new MlpxError(`class folder ${classDir} holds no PNG, JPEG or WebP images`);
  }
  return images;
}

/** The images of `files`, decoded, in class-interleaved order. */
async function decodeSplit(files: SplitFiles, size: number): Promise<ImageSplit> {
  const byClass = files.flatMap((classFiles, label) => classFiles.map((file) => ({ file, label })));
  const items = Array.from(classInterleavedOrder(byClass.map((item) => item.label)), (i) => byClass[i]!);
  const imageBytes = size * size * CHANNELS;
  const images = new Uint8Array(items.length * imageBytes);
  const labels = Int32Array.from(items, (item) => item.label);
  await forEachConcurrent(items, availableParallelism(), async ({ file }, index) => {
    images.set(await decodeImage(file, { height: size, width: size, channels: CHANNELS }), index * imageBytes);
  });
  return { images, labels, count: items.length };
}
