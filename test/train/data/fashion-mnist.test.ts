import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_SOURCES, loadFashionMnist } from '@mlpx/train/src/data/fashion-mnist.js';
import { FASHION_MNIST_SAMPLE, FASHION_MNIST_SAMPLE_COUNTS, FASHION_MNIST_SAMPLE_DIR } from '@mlpx/train/src/data/fashion-mnist-sample.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { expectMlpxError, idxFile, idxImages, idxLabels, offlineFashionMnist, tempDir } from '../../helpers/dataset-fixtures.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

const TRAIN_LABELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 0];
const TEST_LABELS = [5, 3, 1];

/** Writes the four IDX files into the temp folder, gzip-compressed unless `gzip` is false. */
async function writeIdxSet(overrides: Partial<Record<string, Buffer>> = {}, gzip = true): Promise<void> {
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte': idxImages(TRAIN_LABELS.length),
    'train-labels-idx1-ubyte': idxLabels(TRAIN_LABELS),
    't10k-images-idx3-ubyte': idxImages(TEST_LABELS.length),
    't10k-labels-idx1-ubyte': idxLabels(TEST_LABELS),
    ...overrides,
  };
  for (const [name, content] of Object.entries(files)) {
    if (content === undefined) continue;
    await writeFile(join(dir.path, gzip ? `${name}.gz` : name), gzip ? gzipSync(content) : content);
  }
}

const load = () => loadFashionMnist({ dataFile: dir.path });
const file = (name: string) => join(dir.path, `${name}.gz`);

describe('Fashion-MNIST IDX loader', () => {
  it('reads gzip-compressed IDX files: pixels row-major, labels, class names', async () => {
    await writeIdxSet();
    const dataset = await load();
    expect(dataset).toMatchObject({ name: 'fashion-mnist', height: 28, width: 28, channels: 1 });
    expect(dataset.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect(dataset.source).toBe(dir.path);
    expect(dataset.train.count).toBe(TRAIN_LABELS.length);
    expect(Array.from(dataset.train.labels)).toEqual(TRAIN_LABELS);
    expect(Array.from(dataset.test.labels)).toEqual(TEST_LABELS);
    // Image 2, row 4, column 11 holds (2 + 4 * 3 + 11) % 256.
    expect(dataset.train.images[(2 * 28 + 4) * 28 + 11]).toBe(25);
    expect(dataset.test.images.length).toBe(TEST_LABELS.length * 28 * 28);
  });

  it('also reads uncompressed IDX files', async () => {
    await writeIdxSet({}, false);
    const dataset = await load();
    expect(dataset.test.count).toBe(TEST_LABELS.length);
    expect(dataset.test.images[(1 * 28 + 27) * 28 + 27]).toBe((1 + 27 * 3 + 27) % 256);
  });

  it('rejects a bad magic number, naming the file', async () => {
    await writeIdxSet({
      't10k-labels-idx1-ubyte': idxFile([3], Uint8Array.from(TEST_LABELS), 0x00000803),
    });
    await expectMlpxError(load(), file('t10k-labels-idx1-ubyte'), 'bad magic number 0x00000803, expected 0x00000801');
  });

  it('rejects truncated and oversized files with expected and actual sizes', async () => {
    const images = idxImages(TRAIN_LABELS.length);
    await writeIdxSet({ 'train-images-idx3-ubyte': images.subarray(0, images.length - 5) });
    await expectMlpxError(load(), file('train-images-idx3-ubyte'), 'is truncated', `expected ${images.length} bytes`, `got ${images.length - 5}`);

    await writeIdxSet({
      't10k-labels-idx1-ubyte': Buffer.concat([idxLabels(TEST_LABELS), Buffer.alloc(2)]),
    });
    await expectMlpxError(load(), file('t10k-labels-idx1-ubyte'), 'trailing bytes');

    await writeIdxSet({ 't10k-labels-idx1-ubyte': Buffer.from([0, 0, 8]) });
    await expectMlpxError(load(), file('t10k-labels-idx1-ubyte'), 'too short for an IDX header');
  });

  it('rejects a damaged gzip file, naming it', async () => {
    await writeIdxSet();
    const gz = gzipSync(idxLabels(TEST_LABELS));
    await writeFile(file('t10k-labels-idx1-ubyte'), gz.subarray(0, gz.length - 6));
    await expectMlpxError(load(), file('t10k-labels-idx1-ubyte'), 'damaged or truncated gzip');
  });

  it('rejects mismatched counts, wrong image sizes and labels out of range', async () => {
    await writeIdxSet({ 't10k-labels-idx1-ubyte': idxLabels([1, 2]) });
    await expectMlpxError(load(), file('t10k-labels-idx1-ubyte'), 'holds 2 labels', 'holds 3 images');

    await writeIdxSet({ 't10k-images-idx3-ubyte': idxFile([3, 20, 20], new Uint8Array(3 * 400)) });
    await expectMlpxError(load(), file('t10k-images-idx3-ubyte'), '20x20 images, expected 28x28');

    await writeIdxSet({ 'train-labels-idx1-ubyte': idxLabels([...TRAIN_LABELS.slice(0, -1), 10]) });
    await expectMlpxError(load(), file('train-labels-idx1-ubyte'), `label 10 at index ${TRAIN_LABELS.length - 1}`);
  });

  it('names the missing files of a data folder', async () => {
    await writeIdxSet({ 't10k-images-idx3-ubyte': undefined });
    await expectMlpxError(load(), dir.path, 'no t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte');
  });
});

describe('the Fashion-MNIST sample shipped in packages/train', () => {
  it('holds the first 10,000 training and 2,000 test images, every class, the first an ankle boot', async () => {
    const infos: string[] = [];
    const dataset = await loadDataset(FASHION_MNIST_SAMPLE, { onInfo: (message) => infos.push(message) });
    expect(infos).toEqual([`using ${FASHION_MNIST_SAMPLE_DIR} (the shipped sample: the first 10,000 training and 2,000 test images)`]);
    expect(dataset).toMatchObject({ name: 'fashion-mnist-sample', source: FASHION_MNIST_SAMPLE_DIR, height: 28, width: 28, channels: 1 });
    expect(dataset.train.count).toBe(FASHION_MNIST_SAMPLE_COUNTS.train);
    expect(dataset.test.count).toBe(FASHION_MNIST_SAMPLE_COUNTS.test);
    for (const split of [dataset.train, dataset.test]) expect(new Set(split.labels).size).toBe(10);
    // The well-known first training image is an ankle boot.
    expect(dataset.train.labels[0]).toBe(9);
  });

  it("ships with the dataset's MIT licence and attribution", async () => {
    expect(await readFile(join(FASHION_MNIST_SAMPLE_DIR, 'LICENSE'), 'utf8')).toMatch(/^The MIT License \(MIT\)\n\nCopyright \(c\) 2017 Zalando SE\n/);
    expect(await readFile(join(FASHION_MNIST_SAMPLE_DIR, 'README.md'), 'utf8')).toContain('https://github.com/zalandoresearch/fashion-mnist');
  });

  it('a limit beyond its 10,000 training images uses them all and says so', async () => {
    const infos: string[] = [];
    const dataset = await loadDataset(FASHION_MNIST_SAMPLE, { limit: 20_000, onInfo: (message) => infos.push(message) });
    expect(dataset.train.count).toBe(10_000);
    expect(dataset.test.count).toBe(2_000);
    expect(infos).toContain('limit 20000 is more than the 10000 training images of fashion-mnist-sample: using all 10000');
  });

  it('is what fashion-mnist falls back to when there is no system copy, no cache and no network', async () => {
    const env = await offlineFashionMnist(dir.path);
    const infos: string[] = [];
    const dataset = await loadFashionMnist(
      { dataDir: env.MLPX_DATA_DIR, onInfo: (message) => infos.push(message) },
      { ...FASHION_MNIST_SOURCES, systemDir: env.MLPX_FASHION_MNIST_SYSTEM_DIR!, baseUrl: env.MLPX_FASHION_MNIST_URL! },
    );
    expect(dataset).toMatchObject({ name: 'fashion-mnist', source: FASHION_MNIST_SAMPLE_DIR });
    expect(dataset.train.count).toBe(10_000);
    expect(infos[0]).toMatch(/^downloading http:\/\/127\.0\.0\.1:\d+\/fashion-mnist\/train-images-idx3-ubyte\.gz/);
    expect(infos[1]).toMatch(/^cannot reach 127\.0\.0\.1:\d+/);
    expect(infos[2]).toMatch(/^using .*fashion-mnist-sample \(the shipped sample/);
  });

  it("is the published files' first images, where Debian's dataset-fashion-mnist is installed to compare", async (context) => {
    if (!existsSync(join(FASHION_MNIST_SOURCES.systemDir, 'train-images-idx3-ubyte.gz'))) context.skip('no /usr/share/datasets/fashion-mnist to compare with');
    const full = await loadFashionMnist({});
    const sample = await loadDataset(FASHION_MNIST_SAMPLE);
    for (const split of ['train', 'test'] as const) {
      const { count } = sample[split];
      expect(sample[split].labels).toEqual(full[split].labels.subarray(0, count));
      expect(Buffer.from(sample[split].images).equals(Buffer.from(full[split].images.subarray(0, count * 784)))).toBe(true);
    }
  }, 60_000);
});

describe('the system copy of Fashion-MNIST', () => {
  it('is read from $MLPX_FASHION_MNIST_SYSTEM_DIR when set, and named', async () => {
    await writeIdxSet();
    const saved = process.env.MLPX_FASHION_MNIST_SYSTEM_DIR;
    process.env.MLPX_FASHION_MNIST_SYSTEM_DIR = dir.path;
    try {
      const infos: string[] = [];
      const dataset = await loadDataset('fashion-mnist', { limit: 5, onInfo: (message) => infos.push(message) });
      expect(infos).toEqual([`using ${dir.path}`]);
      expect(dataset).toMatchObject({ name: 'fashion-mnist', source: dir.path });
      expect(dataset.train.count).toBe(5);
      expect(dataset.test.count).toBe(TEST_LABELS.length);
    } finally {
      if (saved === undefined) delete process.env.MLPX_FASHION_MNIST_SYSTEM_DIR;
      else process.env.MLPX_FASHION_MNIST_SYSTEM_DIR = saved;
    }
  });
});
