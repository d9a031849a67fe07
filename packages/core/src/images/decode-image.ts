/**
 * Decodes an image file (PNG, JPEG, WebP, ...) with sharp into raw uint8 pixels, HWC, at a given
 * size and channel count: turned upright from its EXIF orientation, alpha removed, converted to
 * sRGB (3 channels) or greyscale (1 channel), and resized with sharp's default kernel (Lanczos-3)
 * and fit 'fill' (stretched to the size, aspect ratio not kept). An image already at the size is
 * not resampled (sharp skips a resize by 1), so its pixels arrive unchanged. Used
 * for folder: datasets and by `mlpx infer`, so the same file gives the same pixels in both.
 */
import type { OutputInfo, Sharp, SharpOptions } from 'sharp';
import { describeError, MlpxError } from '../errors.js';

type SharpFactory = (input: string | Uint8Array, options?: SharpOptions) => Sharp;

let loading: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded on first use: an optional dependency of @mlpx/core, so that a platform where its
 * native binaries do not install (or a web app's install of @mlpx/web, with --omit=optional)
 * still installs, and decoding says in one line what is missing.
 */
function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(
    (module) => module.default as unknown as SharpFactory,
    (error: unknown) => {
      loading = undefined;
      throw new MlpxError(
        `decoding images needs the sharp package, which did not load (${describeError(error).split('\n')[0]}): install it beside mlpx with \`npm install sharp\``,
        { cause: error },
      );
    },
  );
  return loading;
}

export interface PixelSize {
  readonly height: number;
  readonly width: number;
  /** 1 (greyscale) or 3 (RGB). */
  readonly channels: number;
}

export async function decodeImage(source: string | Uint8Array, size: PixelSize, label = typeof source === 'string' ? source : 'image'): Promise<Uint8Array> {
  if (size.channels !== 1 && size.channels !== 3) throw new MlpxError(`cannot decode ${label} to ${size.channels} channels: only 1 or 3 are supported`);
  const sharp = await loadSharp();
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(source, { failOn: 'error' })
      .autoOrient()
      .removeAlpha()
      .toColourspace(size.channels === 1 ? 'b-w' : 'srgb')
      .resize(size.width, size.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new MlpxError(`cannot decode image ${label}: ${describeError(error)}`, { cause: error });
  }
  const { data, info } = decoded;
  if (data.length !== size.height * size.width * size.channels) {
    throw new MlpxError(
      `cannot decode image ${label}: it decoded to ${info.width}x${info.height}x${info.channels}, expected ${size.width}x${size.height}x${size.channels}`,
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
