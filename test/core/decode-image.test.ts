import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '@mlpx/core/src/images/decode-image.js';
import { MlpxError } from '@mlpx/core/src/errors.js';

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 37 + 11) % 256);
}

describe('decodeImage', () => {
  it('gives an image already at the size back pixel for pixel (greyscale and RGB, PNG)', async () => {
    const grey = pattern(28 * 28);
    const png = await sharp(grey, { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer();
    expect(Array.from(await decodeImage(png, { height: 28, width: 28, channels: 1 }))).toEqual(Array.from(grey));
    const rgb = pattern(32 * 32 * 3);
    const rgbPng = await sharp(rgb, { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toBuffer();
    expect(Array.from(await decodeImage(rgbPng, { height: 32, width: 32, channels: 3 }))).toEqual(Array.from(rgb));
  });

  it('resizes other sizes once, converts channels and drops alpha', async () => {
    const rgba = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 200, g: 10, b: 10, alpha: 1 } } })
      .png()
      .toBuffer();
    const rgb = await decodeImage(rgba, { height: 32, width: 32, channels: 3 });
    expect(rgb.length).toBe(32 * 32 * 3);
    expect(Array.from(rgb.subarray(0, 3))).toEqual([200, 10, 10]);
    const grey = await decodeImage(rgba, { height: 28, width: 28, channels: 1 });
    expect(grey.length).toBe(28 * 28);
  });

  it('names the file it cannot decode', async () => {
    const png = await sharp(pattern(64), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
    await expect(decodeImage(png.subarray(0, 30), { height: 8, width: 8, channels: 1 }, 'cut.png')).rejects.toThrow(MlpxError);
    await expect(decodeImage(png.subarray(0, 30), { height: 8, width: 8, channels: 1 }, 'cut.png')).rejects.toThrow(/cannot decode image cut\.png/);
    await expect(decodeImage(png, { height: 8, width: 8, channels: 2 })).rejects.toThrow(/only 1 or 3/);
  });
});
