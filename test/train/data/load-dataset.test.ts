import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { cifarPixel, expectMlpxError, tempDir, writeCifarArchive } from '../../helpers/dataset-fixtures.js';

let dir: { path: string; remove: () => Promise<void> };
let archive: string;
beforeEach(async () => {
  dir = await tempDir();
  archive = join(dir.path, 'cifar-100-binary.tar.gz');
  await writeCifarArchive(archive);
});
afterEach(async () => {
  await dir.remove();
});

describe('loadDataset', () => {
  it('loads cifar100 from a local archive', async () => {
    const dataset = await loadDataset('cifar100', { dataFile: archive });
    expect(dataset.name).toBe('cifar100');
    expect(dataset.train.count).toBe(20);
    expect(dataset.test.count).toBe(10);
  });

  it('keeps the first N training images and the first min(N, test size) test images', async () => {
    const full = await loadDataset('cifar100', { dataFile: archive });
    const limited = await loadDataset('cifar100', { dataFile: archive, limit: 15 });
    expect(limited.train.count).toBe(15);
    expect(limited.train.images).toEqual(full.train.images.subarray(0, 15 * 32 * 32 * 3));
    expect(limited.train.labels).toEqual(full.train.labels.subarray(0, 15));
    expect(limited.test.count).toBe(10);
    expect(limited.test.images.length).toBe(10 * 32 * 32 * 3);

    const small = await loadDataset('cifar100', { dataFile: archive, limit: 4 });
    expect(small.test.count).toBe(4);
    expect(small.test.labels).toEqual(full.test.labels.subarray(0, 4));
    // The kept images are copies, not views that pin the full arrays in memory.
    expect(small.train.images.buffer.byteLength).toBe(4 * 32 * 32 * 3);
    expect(small.test.images.buffer.byteLength).toBe(4 * 32 * 32 * 3);
    expect(small.test.images[(3 * 1024 + 1023) * 3 + 2]).toBe(cifarPixel(3, 2, 1023));
  });

  it('rejects a limit that is not a positive integer before loading anything', async () => {
    for (const limit of [0, -3, 2.5, Number.NaN]) {
      await expectMlpxError(loadDataset('cifar100', { dataFile: join(dir.path, 'absent.tar.gz'), limit }), `positive integer, got ${limit}`);
    }
  });

  it('names an unknown spec and the valid ones', async () => {
    for (const spec of ['cifar10', 'folder:', 'mnist']) {
      await expectMlpxError(loadDataset(spec), `unknown dataset '${spec}'`, 'cifar100, fashion-mnist, fashion-mnist-sample, folder:<dir>');
    }
  });
});
