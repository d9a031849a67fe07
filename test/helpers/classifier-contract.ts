/**
 * The classifier contract: what @mlpx/core's ImageClassifier promises, asserted the same way on
 * each implementation: createClassifier in Node (test/infer/classifier-contract.test.ts) and
 * loadClassifier in headless Chromium (test/web/classifier-contract.test.ts). A platform gives a
 * ContractSubject: it opens its classifier on the contract's model and hands it over as a
 * ClassifierHandle, which takes the contract's images by number (each platform feeds them in its
 * own input types) and reads the classifier where it lives (in this process, or in the page).
 *
 * The model is the cheapest with real labels: an untrained 28x28x1 MLP-Mixer of one block,
 * exported with Fashion-MNIST's ten class names; the images are the first Fashion-MNIST test images.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it, type TestContext } from 'vitest';
import type { Classification, ClassifyOptions, InputSize, RawOutputs } from '@mlpx/core';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { FASHION_MNIST_CLASS_NAMES } from '@mlpx/train/src/data/fashion-mnist.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { expectClose } from './closeness.js';
import { writeOnnx } from './exported-models.js';
import { smallModelConfig } from './small-model-config.js';

export const CONTRACT_LABELS: readonly string[] = FASHION_MNIST_CLASS_NAMES;
export const CONTRACT_INPUT: InputSize = { height: 28, width: 28, channels: 1 };
/** How many test images the contract classifies. */
export const CONTRACT_IMAGE_COUNT = 4;

/**
 * One of the contract's images by number: `encoded` in the platform's own image types (a PNG's
 * path or bytes in Node; an img, ImageBitmap, canvas or ImageData in a page), `pixels` as raw
 * pixels ({ pixels }), `wrong-size` as raw pixels of the wrong length.
 */
export interface ContractImage {
  readonly index: number;
  readonly form: 'encoded' | 'pixels' | 'wrong-size';
}

export interface ContractImages {
  /** Each image's PNG. */
  readonly pngs: readonly Uint8Array[];
  /** Each image's raw 0-255 pixels, 28x28x1. */
  readonly pixels: readonly Uint8Array[];
}

/** The fields of a classifier, as read where it lives. */
export interface ClassifierFields {
  readonly executionProvider: string;
  readonly skipped: readonly { name: string; reason: string }[];
  /** Object.keys of each skipped entry: what JSON, a spread or a structured clone carries. */
  readonly skippedKeys: readonly string[][];
  readonly labels: readonly string[];
  readonly inputSize: InputSize;
  /** `typeof` each member of the interface, or 'missing' where the object has none. */
  readonly memberTypes: Record<string, string>;
}

export interface ClassifierHandle {
  fields(): Promise<ClassifierFields>;
  classify(images: ContractImage | readonly ContractImage[], options?: ClassifyOptions): Promise<Classification | Classification[]>;
  run(pixels: Float32Array, count?: number): Promise<RawOutputs>;
  release(): Promise<void>;
}

/** A deprecated name, used as a caller of the last release wrote it. */
export interface DeprecatedUse {
  /** The old name, e.g. 'close()'. */
  readonly name: string;
  readonly code: string;
  /** The replacement the warning must name. */
  readonly instead: RegExp;
  /** Uses the old name (on a classifier of its own); resolves to what it gave. */
  use(): Promise<unknown>;
  /** Checks what the old name gave. */
  check(value: unknown): void;
}

export interface ContractSubject {
  readonly images: ContractImages;
  /** The provider a plain open runs on. */
  readonly provider: string;
  /** Providers that cannot run here, put before `provider` in the fallback open; empty where every provider runs (those tests are skipped). */
  readonly unavailable: readonly string[];
  open(options: { fallback: boolean }): Promise<ClassifierHandle>;
  /** Opens on the unavailable providers alone: whether NoneLoadedError was thrown, and its message. */
  openUnavailable(): Promise<{ noneLoaded: boolean; message: string }>;
  readonly deprecated: readonly DeprecatedUse[];
  /** Deprecation warnings so far, oldest first. */
  warnings(): Promise<{ code: string; message: string }[]>;
}

/** The contract's model, written to `folder`: returns its path. */
export async function writeContractModel(folder: string): Promise<string> {
  await selectBackend('cpu');
  const data = await loadDataset('fashion-mnist-sample', { limit: 100 });
  randomSource.reseed(11);
  const config = smallModelConfig('mixer', { inputHeight: 28, inputWidth: 28, inputChannels: 1, blocks: 1, embeddingDim: 16 });
  const model = buildClassifier(config, channelStatistics(data.train.images, 1));
  try {
    return await writeOnnx(model, folder, 'contract');
  } finally {
    model.dispose();
  }
}

/** The contract's images, with each PNG also written to `folder` as <index>.png. */
export async function contractImages(folder: string): Promise<ContractImages> {
  const data = await loadDataset('fashion-mnist-sample', { limit: CONTRACT_IMAGE_COUNT });
  const pixels = Array.from({ length: CONTRACT_IMAGE_COUNT }, (_, i) => data.test.images.slice(i * 784, (i + 1) * 784));
  const raw = { width: 28, height: 28, channels: 1 } as const;
  const pngs = await Promise.all(pixels.map(async (p) => new Uint8Array(await sharp(p, { raw }).png().toBuffer())));
  await Promise.all(pngs.map((png, i) => writeFile(join(folder, `${i}.png`), png)));
  return { pngs, pixels };
}

const MEMBERS = ['executionProvider', 'skipped', 'labels', 'inputSize', 'family', 'trained', 'precision', 'classify', 'run', 'release'] as const;
export const CONTRACT_MEMBERS: readonly string[] = MEMBERS;

const encoded = (index: number): ContractImage => ({ index, form: 'encoded' });
const raw = (index: number): ContractImage => ({ index, form: 'pixels' });
const ALL = Array.from({ length: CONTRACT_IMAGE_COUNT }, (_, i) => encoded(i));

async function classifyOne(handle: ClassifierHandle, image: ContractImage, options?: ClassifyOptions): Promise<Classification> {
  const result = await handle.classify(image, options);
  expect(Array.isArray(result), 'one image gives one Classification, not an array').toBe(false);
  return result as Classification;
}

async function classifyMany(handle: ClassifierHandle, images: readonly ContractImage[], options?: ClassifyOptions): Promise<Classification[]> {
  const result = await handle.classify(images, options);
  expect(Array.isArray(result), 'an array of images gives an array').toBe(true);
  return result as Classification[];
}

function expectRanked(result: Classification, k: number): void {
  const classes = CONTRACT_LABELS.length;
  expect(result.probabilities).toHaveLength(classes);
  expect(result.logits).toHaveLength(classes);
  expect(result.predictions).toHaveLength(k);
  const best = result.probabilities.indexOf(Math.max(...result.probabilities));
  expect(result.predictions[0]!.index).toBe(best);
  result.predictions.forEach((p, i) => {
    expect(p.label).toBe(CONTRACT_LABELS[p.index]);
    expect(p.probability).toBe(result.probabilities[p.index]);
    if (i > 0) expect(p.probability).toBeLessThanOrEqual(result.predictions[i - 1]!.probability);
  });
}

function needsUnavailable(subject: ContractSubject, context: TestContext): void {
  if (subject.unavailable.length === 0) context.skip('every execution provider runs here: none to skip');
}

/** The contract's tests, on the subject `subject()` gives once the file's beforeAll has made it. */
export function classifierContract(platform: string, subject: () => ContractSubject): void {
  describe(`the classifier contract: ${platform}`, () => {
    it('has every member of the interface, with the model’s labels and input size, on the provider asked for', async () => {
      const handle = await subject().open({ fallback: false });
      try {
        const fields = await handle.fields();
        expect(fields.memberTypes).toEqual({
          executionProvider: 'string',
          skipped: 'object',
          labels: 'object',
          inputSize: 'object',
          family: 'undefined', // the contract's model records none
          trained: 'undefined',
          precision: 'undefined',
          classify: 'function',
          run: 'function',
          release: 'function',
        });
        expect(fields.executionProvider).toBe(subject().provider);
        expect(fields.skipped).toEqual([]);
        expect(fields.labels).toEqual(CONTRACT_LABELS);
        expect(fields.inputSize).toEqual(CONTRACT_INPUT);
      } finally {
        await handle.release();
      }
    });

    it('classifies one image into one Classification, and an array into one each, in order, as alone', async () => {
      const handle = await subject().open({ fallback: false });
      try {
        const alone: Classification[] = [];
        for (const image of ALL) alone.push(await classifyOne(handle, image));
        const batch = await classifyMany(handle, ALL);
        expect(batch).toHaveLength(ALL.length);
        batch.forEach((result, i) => {
          expectRanked(result, 5);
          expectClose(result.probabilities, alone[i]!.probabilities, { absolute: 1e-5, what: `image ${i}'s probabilities, batched and alone` });
          expect(result.predictions.map((p) => p.index)).toEqual(alone[i]!.predictions.map((p) => p.index));
        });
        expect(await classifyMany(handle, [])).toEqual([]);
      } finally {
        await handle.release();
      }
    });

    it('top-K: the K most probable classes, most probable first, named by the labels; every class when K is larger', async () => {
      const handle = await subject().open({ fallback: false });
      try {
        expectRanked(await classifyOne(handle, encoded(0), { topK: 3 }), 3);
        expectRanked(await classifyOne(handle, encoded(1), { topK: 1 }), 1);
        expectRanked(await classifyOne(handle, encoded(2)), 5);
        for (const result of await classifyMany(handle, ALL, { topK: 50 })) expectRanked(result, CONTRACT_LABELS.length);
      } finally {
        await handle.release();
      }
    });

    it('raw pixels classify as the encoded image does; raw pixels of another size are refused', async () => {
      const handle = await subject().open({ fallback: false });
      try {
        for (let i = 0; i < CONTRACT_IMAGE_COUNT; i++) {
          const [fromImage, fromPixels] = await classifyMany(handle, [encoded(i), raw(i)]);
          expectClose(fromImage!.probabilities, fromPixels!.probabilities, { absolute: 1e-6, what: `image ${i}, encoded and as pixels` });
        }
        await expect(handle.classify({ index: 0, form: 'wrong-size' })).rejects.toThrow(/image 0: 10 pixel values, expected 28x28x1 = 784/);
      } finally {
        await handle.release();
      }
    });
  });
  describeRawAndLifecycle(platform, subject);
}

function describeRawAndLifecycle(platform: string, subject: () => ContractSubject): void {
  describe(`the classifier contract: ${platform}: raw runs, providers, release, old names`, () => {
    it('run: float32 pixels of a batch give the logits and probabilities classify reports', async () => {
      const handle = await subject().open({ fallback: false });
      try {
        const pixels = pixelsOf(subject());
        const classified = await classifyMany(handle, [raw(0), raw(1)]);
        const both = await handle.run(pixels.subarray(0, 2 * 784), 2);
        expectClose(both.probabilities, [...classified[0]!.probabilities, ...classified[1]!.probabilities], { absolute: 1e-6, what: 'run, two images' });
        expectClose(both.logits, [...classified[0]!.logits, ...classified[1]!.logits], { absolute: 1e-5, what: 'run, two images, logits' });
        const counted = await handle.run(pixels.subarray(0, 784)); // the count from the pixels
        expectClose(counted.probabilities, classified[0]!.probabilities, { absolute: 1e-6, what: 'run, one image' });
        await expect(handle.run(pixels.subarray(0, 784), 2)).rejects.toThrow(/run: 784 pixel values for 2 images, expected 2x28x28x1/);
      } finally {
        await handle.release();
      }
    });

    it('a fallback list runs on the first provider that loads, and lists each skipped one as { name, reason }', async (context) => {
      needsUnavailable(subject(), context);
      const handle = await subject().open({ fallback: true });
      try {
        const fields = await handle.fields();
        expect(fields.executionProvider).toBe(subject().provider);
        expect(fields.skipped.map((s) => s.name)).toEqual(subject().unavailable);
        for (const s of fields.skipped) expect(s.reason).toMatch(/\S/);
        expect(fields.skippedKeys).toEqual(subject().unavailable.map(() => ['name', 'reason']));
      } finally {
        await handle.release();
      }
    });

    it('no provider loads: NoneLoadedError, its message the providers and each one’s reason', async (context) => {
      needsUnavailable(subject(), context);
      const failed = await subject().openUnavailable();
      expect(failed.noneLoaded).toBe(true);
      const [only] = subject().unavailable;
      expect(failed.message).toMatch(new RegExp(`^cannot run \\S+ on ${only}: \\S`));
    });

    it('release frees the session; a second release does nothing; classify and run refuse afterwards', async () => {
      const handle = await subject().open({ fallback: false });
      await expect(handle.release()).resolves.toBeUndefined();
      await expect(handle.release()).resolves.toBeUndefined();
      await expect(handle.classify(encoded(0))).rejects.toThrow(/this classifier was released/);
      await expect(handle.run(pixelsOf(subject()).subarray(0, 784), 1)).rejects.toThrow(/this classifier was released/);
    });

    it('the current names never warn; each old name still works and warns once, naming what to use instead', async () => {
      expect(await subject().warnings()).toEqual([]);
      for (const old of subject().deprecated) {
        const before = (await subject().warnings()).length;
        old.check(await old.use());
        old.check(await old.use());
        const warned = (await subject().warnings()).slice(before);
        expect(warned, old.name).toHaveLength(1);
        expect(warned[0]!.code, old.name).toBe(old.code);
        expect(warned[0]!.message, old.name).toMatch(old.instead);
      }
    });
  });
}

/** The subject's images' raw pixels, concatenated, as float32. */
function pixelsOf(subject: ContractSubject): Float32Array {
  const pixels = new Float32Array(CONTRACT_IMAGE_COUNT * 784);
  subject.images.pixels.forEach((p, i) => pixels.set(p, i * 784));
  return pixels;
}
