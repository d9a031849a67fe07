import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadImageFolder } from '@mlpx/train/src/data/image-folder.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { expectMlpxError, tempDir } from '../../helpers/dataset-fixtures.js';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

type Colour = { r: number; g: number; b: number };
const RED: Colour = { r: 220, g: 10, b: 10 };
const BLUE: Colour = { r: 10, g: 10, b: 220 };

/** A 12x8 single-colour image in the format its extension names. */
async function writeImage(path: string, colour: Colour): Promise<void> {
  const image = sharp({ create: { width: 12, height: 8, channels: 3, background: colour } });
  if (path.endsWith('.png')) await image.png().toFile(path);
  else if (path.endsWith('.webp')) await image.webp({ lossless: true }).toFile(path);
  else await image.jpeg({ quality: 95 }).toFile(path);
}

/** `count` images of one colour in `folder`, named 00.png, 01.jpg, 02.webp, ... */
async function writeClass(folder: string, count: number, colour: Colour): Promise<void> {
  await mkdir(folder, { recursive: true });
  const extensions = ['png', 'jpg', 'webp'];
  for (let i = 0; i < count; i++) {
    await writeImage(join(folder, `${String(i).padStart(2, '0')}.${extensions[i % 3]}`), colour);
  }
}

/** The first pixel of image `index` of a split decoded at `size`. */
function firstPixel(images: Uint8Array, index: number, size: number): number[] {
  const start = index * size * size * 3;
  return Array.from(images.subarray(start, start + 3));
}

function expectClose(actual: number[], colour: Colour): void {
  [colour.r, colour.g, colour.b].forEach((value, i) => expect(Math.abs(actual[i] - value)).toBeLessThan(6));
}

describe('folder:<dir> loader', () => {
  it('decodes class folders, skips non-images and holds out every 10th image', async () => {
    await writeClass(join(dir.path, 'red'), 12, RED);
    await writeClass(join(dir.path, 'blue'), 10, BLUE);
    await writeFile(join(dir.path, 'red', 'notes.txt'), 'not an image');
    const infos: string[] = [];

    const dataset = await loadDataset(`folder:${dir.path}`, {
      folderImageSize: 16,
      onInfo: (message) => infos.push(message),
    });

    expect(dataset).toMatchObject({
      name: `folder:${dir.path}`,
      height: 16,
      width: 16,
      channels: 3,
    });
    expect(dataset.classNames).toEqual(['blue', 'red']);
    // Image 9 of each class (the 10th in sorted order) is held out; the rest come class-interleaved.
    expect(dataset.train.count).toBe(9 + 11);
    expect(dataset.test.count).toBe(2);
    expect(Array.from(dataset.train.labels)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Array.from(dataset.test.labels)).toEqual([0, 1]);
    expect(dataset.train.images.length).toBe(20 * 16 * 16 * 3);
    expectClose(firstPixel(dataset.train.images, 0, 16), RED);
    expectClose(firstPixel(dataset.train.images, 1, 16), BLUE);
    expectClose(firstPixel(dataset.test.images, 1, 16), RED);
    expect(infos).toContain(`skipping 1 non-image entries in ${join(dir.path, 'red')}: notes.txt`);
    expect(infos.some((message) => message.includes('holding out every 10th image'))).toBe(true);
  });

  it('uses train/ and test/ folders as the splits, resizing to 32 by default', async () => {
    await writeClass(join(dir.path, 'train', 'a'), 3, RED);
    await writeClass(join(dir.path, 'train', 'b'), 2, BLUE);
    await writeClass(join(dir.path, 'test', 'a'), 1, RED);
    await writeClass(join(dir.path, 'test', 'b'), 1, BLUE);
    const dataset = await loadImageFolder(dir.path);
    expect(dataset.height).toBe(32);
    expect(dataset.classNames).toEqual(['a', 'b']);
    expect(Array.from(dataset.train.labels)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(dataset.test.labels)).toEqual([0, 1]);
    expectClose(firstPixel(dataset.test.images, 1, 32), BLUE);
  });

  it('turns greyscale and RGBA images into 3 channels', async () => {
    await writeClass(join(dir.path, 'train', 'colour'), 1, RED);
    await mkdir(join(dir.path, 'train', 'grey'));
    await sharp(Buffer.alloc(8 * 8, 77), { raw: { width: 8, height: 8, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(join(dir.path, 'train', 'grey', 'g.png'));
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { ...BLUE, alpha: 1 } } })
      .png()
      .toFile(join(dir.path, 'train', 'grey', 'rgba.png'));
    await writeClass(join(dir.path, 'test', 'colour'), 1, RED);
    await writeClass(join(dir.path, 'test', 'grey'), 1, BLUE);
    expect((await sharp(join(dir.path, 'train', 'grey', 'g.png')).metadata()).channels).toBe(1);

    const dataset = await loadImageFolder(dir.path, { imageSize: 4 });
    expect(dataset.train.images.length).toBe(3 * 4 * 4 * 3);
    // Class-interleaved: grey's g.png, colour's image, grey's rgba.png.
    expect(firstPixel(dataset.train.images, 0, 4)).toEqual([77, 77, 77]);
    expectClose(firstPixel(dataset.train.images, 1, 4), RED);
    expectClose(firstPixel(dataset.train.images, 2, 4), BLUE);
  });

  it('names an image that fails to decode', async () => {
    await writeClass(join(dir.path, 'a'), 10, RED);
    await writeClass(join(dir.path, 'b'), 10, BLUE);
    await writeFile(join(dir.path, 'b', '05.png'), Buffer.from('\x89PNG\r\n\x1a\n broken'));
    await expectMlpxError(loadImageFolder(dir.path), 'cannot decode image', join(dir.path, 'b', '05.png'));
  });

  it('names an empty class folder', async () => {
    await writeClass(join(dir.path, 'a'), 10, RED);
    await mkdir(join(dir.path, 'empty'));
    await writeFile(join(dir.path, 'empty', 'readme.md'), 'nothing here');
    await expectMlpxError(loadImageFolder(dir.path), `class folder ${join(dir.path, 'empty')} holds no`);
  });

  it('needs at least two classes', async () => {
    await writeClass(join(dir.path, 'only'), 10, RED);
    await expectMlpxError(loadImageFolder(dir.path), dir.path, '1 class folder(s) (only)', 'at least 2');
  });

  it('needs enough images to hold out a test split', async () => {
    await writeClass(join(dir.path, 'a'), 3, RED);
    await writeClass(join(dir.path, 'b'), 9, BLUE);
    await expectMlpxError(loadImageFolder(dir.path), dir.path, 'too few images to hold out a test split');
  });

  it('needs the same class folders in train/ and test/', async () => {
    await writeClass(join(dir.path, 'train', 'a'), 1, RED);
    await writeClass(join(dir.path, 'train', 'b'), 1, BLUE);
    await writeClass(join(dir.path, 'test', 'a'), 1, RED);
    await writeClass(join(dir.path, 'test', 'c'), 1, BLUE);
    await expectMlpxError(loadImageFolder(dir.path), 'must hold the same class folders', 'train has a, b, test has a, c');
  });

  it('rejects a missing folder', async () => {
    await expectMlpxError(loadDataset(`folder:${join(dir.path, 'nope')}`), `${join(dir.path, 'nope')} does not exist`);
  });
});
