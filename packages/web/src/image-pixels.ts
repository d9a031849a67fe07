/**
 * Pixels for the model from what a page has (img, canvas, ImageBitmap, ImageData): drawn at the
 * model's input size without colour-space conversion, so an image already that size reaches the
 * model pixel for pixel, exactly as `mlpx infer` reads it in Node. Other sizes are resized by the
 * browser's canvas (high-quality smoothing), which is not the resampling sharp does in Node:
 * predictions then agree closely but not bit for bit. Greyscale models get Rec. 709 luma, which
 * for grey images (R = G = B) is the grey value itself, as in Node.
 */
import type { InputSize, RawPixels } from '@mlpx/core/browser';

/** What a page can draw: decoded, and resized by the browser when its size is not the model's. */
export type DrawableImage = HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | ImageData;

/** An image @mlpx/web classifies: one the page can draw, or raw 0-255 pixels at the model's size ({ pixels }, as in Node). */
export type WebImageInput = DrawableImage | RawPixels;

async function rgbaAt(input: DrawableImage, width: number, height: number): Promise<Uint8ClampedArray> {
  if (input instanceof ImageData && input.width === width && input.height === height) return input.data;
  const bitmap = await createImageBitmap(input, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2-D canvas context');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, width, height);
    return context.getImageData(0, 0, width, height).data;
  } finally {
    bitmap.close();
  }
}

/** float32 0-255 pixels, [height, width, channels]. */
export async function imagePixels(input: DrawableImage, size: InputSize): Promise<Float32Array> {
  const rgba = await rgbaAt(input, size.width, size.height);
  const pixels = new Float32Array(size.height * size.width * size.channels);
  for (let i = 0, p = 0; i < size.height * size.width; i++, p += 4) {
    if (size.channels === 1) {
      pixels[i] = Math.round(0.2126 * rgba[p]! + 0.7152 * rgba[p + 1]! + 0.0722 * rgba[p + 2]!);
    } else {
      pixels[i * 3] = rgba[p]!;
      pixels[i * 3 + 1] = rgba[p + 1]!;
      pixels[i * 3 + 2] = rgba[p + 2]!;
    }
  }
  return pixels;
}
