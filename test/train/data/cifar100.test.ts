import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadCifar100 } from '@mlpx/train/src/data/cifar100.js';
import {
  CIFAR_FINE_NAMES,
  cifarFiles,
  cifarPixel,
  cifarRecords,
  expectMlpxError,
  tempDir,
  writeCifarArchive,
  writeTarGz,
} from '../../helpers/dataset-fixtures.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

const loadLocal = (dataFile: string) => loadCifar100({ dataFile });

describe('CIFAR-100 binary loader', () => {
  it('reads the official .tar.gz layout into NHWC images with fine labels', async () => {
    const archive = join(dir.path, 'cifar-100-binary.tar.gz');
    await writeCifarArchive(archive);
    const infos: string[] = [];
    const dataset = await loadCifar100({
      dataFile: archive,
      onInfo: (message) => infos.push(message),
    });

    expect(dataset).toMatchObject({
      name: 'cifar100',
      height: 32,
      width: 32,
      channels: 3,
      source: archive,
    });
    expect(dataset.classNames).toEqual(CIFAR_FINE_NAMES);
    expect(infos).toEqual([`using ${archive}`]);
    expect(dataset.train.count).toBe(20);
    expect(dataset.test.count).toBe(10);
    expect(dataset.train.images.length).toBe(20 * 32 * 32 * 3);
    expect(Array.from(dataset.train.labels)).toEqual(Array.from({ length: 20 }, (_, i) => (i * 7) % 100));
    expect(Array.from(dataset.test.labels)).toEqual(Array.from({ length: 10 }, (_, i) => 99 - i));

    // Record 3, row 5, column 17: plane index 5 * 32 + 17; NHWC puts its red, green, blue together.
    const plane = 5 * 32 + 17;
    const nhwc = ((3 * 32 + 5) * 32 + 17) * 3;
    expect(Array.from(dataset.train.images.subarray(nhwc, nhwc + 3))).toEqual([cifarPixel(3, 0, plane), cifarPixel(3, 1, plane), cifarPixel(3, 2, plane)]);
    // Every pixel of the last test record.
    const record = 9;
    for (let pixel = 0; pixel < 1024; pixel++) {
      for (let channel = 0; channel < 3; channel++) {
        const value = dataset.test.images[(record * 1024 + pixel) * 3 + channel];
        if (value !== cifarPixel(record, channel, pixel)) {
          expect.fail(`pixel ${pixel} channel ${channel}: ${value}`);
        }
      }
    }
  });

  it('reads a folder holding train.bin, test.bin and fine_label_names.txt', async () => {
    for (const [name, content] of Object.entries(cifarFiles())) {
      await writeFile(join(dir.path, name), content);
    }
    const dataset = await loadLocal(dir.path);
    expect(dataset.source).toBe(dir.path);
    expect(dataset.train.count).toBe(20);
    expect(dataset.test.count).toBe(10);
    expect(dataset.classNames[99]).toBe('class-99');
  });

  it('rejects a truncated train.bin, naming it and the sizes', async () => {
    const files = cifarFiles();
    await writeCifarArchive(join(dir.path, 'a.tar.gz'), {
      ...files,
      'train.bin': files['train.bin'].subarray(0, 3074 * 5 + 100),
    });
    await expectMlpxError(loadLocal(join(dir.path, 'a.tar.gz')), 'a.tar.gz:cifar-100-binary/train.bin', `${3074 * 5 + 100} bytes`, '3074-byte record');
  });

  it('rejects a fine label out of range, naming the file and record', async () => {
    for (const [name, content] of Object.entries(cifarFiles())) {
      await writeFile(join(dir.path, name), content);
    }
    await writeFile(join(dir.path, 'test.bin'), cifarRecords([1, 2, 100]));
    await expectMlpxError(loadLocal(dir.path), join(dir.path, 'test.bin'), 'record 2', 'fine label 100');
  });

  it('rejects a label-names file without 100 names', async () => {
    await writeCifarArchive(join(dir.path, 'a.tar.gz'), {
      ...cifarFiles(),
      'fine_label_names.txt': Buffer.from('apple\npear\n'),
    });
    await expectMlpxError(loadLocal(join(dir.path, 'a.tar.gz')), 'fine_label_names.txt', 'names 2 classes, expected 100');
  });

  it('names a missing archive entry, a missing file and a missing data file', async () => {
    const { 'test.bin': _dropped, ...withoutTest } = cifarFiles();
    await writeCifarArchive(join(dir.path, 'a.tar.gz'), withoutTest);
    await expectMlpxError(loadLocal(join(dir.path, 'a.tar.gz')), 'a.tar.gz has no entry cifar-100-binary/test.bin');

    await mkdir(join(dir.path, 'folder'));
    await writeFile(join(dir.path, 'folder', 'train.bin'), cifarRecords([0]));
    await expectMlpxError(loadLocal(join(dir.path, 'folder')), join(dir.path, 'folder', 'test.bin'), 'does not exist');

    await expectMlpxError(loadLocal(join(dir.path, 'nothing.tar.gz')), 'nothing.tar.gz does not exist');
  });

  it('rejects a corrupt or truncated archive, naming it', async () => {
    await writeFile(join(dir.path, 'junk.tar.gz'), Buffer.from('this is not gzip'));
    await expectMlpxError(loadLocal(join(dir.path, 'junk.tar.gz')), 'junk.tar.gz is not a valid .tar.gz archive');

    await writeFile(join(dir.path, 'not-tar.tar.gz'), gzipSync(Buffer.alloc(2048, 7)));
    await expectMlpxError(loadLocal(join(dir.path, 'not-tar.tar.gz')), 'not-tar.tar.gz is not a valid .tar.gz archive');

    await writeTarGz(join(dir.path, 'whole.tar.gz'), {
      'cifar-100-binary/train.bin': cifarRecords([1, 2, 3]),
    });
    const whole = await readFile(join(dir.path, 'whole.tar.gz'));
    await writeFile(join(dir.path, 'cut.tar.gz'), whole.subarray(0, whole.length / 2));
    await expectMlpxError(loadLocal(join(dir.path, 'cut.tar.gz')), 'cut.tar.gz is not a valid .tar.gz archive');
  });
});
