/**
 * RandomZoom's separable sampling against tf.image.transform on the cpu backend, one image at a
 * time (the reference kernel, which WebGPU agrees with). The last tests record the tfjs 4.22
 * Transform bugs that made mlpx stop using it: wasm fills 'reflect' with the far side of the
 * image, and the cpu kernel transforms every image of a batch after the first wrongly.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { zoomImages, zoomImagesWithGathers, zoomTaps, zoomTapTensors } from '@mlpx/train/src/layers/ops/zoom.js';
import { closeness, expectClose } from '../../helpers/closeness.js';

const ZOOMS: [number, number][] = [
  [1.2, 1.15],
  [0.8, 0.85],
  [1.19, 0.81],
  [1, 1],
];

/** tf.image.transform with Keras' zoom matrices, on `backend`, for the whole batch at once. */
async function transformZoom(images: tf.Tensor4D, heightZoom: number[], widthZoom: number[], backend: 'cpu' | 'wasm'): Promise<Float32Array> {
  await selectBackend(backend);
  const [, height, width] = images.shape;
  const transforms = tf.tensor2d(
    heightZoom.map((zy, b) => [widthZoom[b]!, 0, ((width - 1) / 2) * (1 - widthZoom[b]!), 0, zy, ((height - 1) / 2) * (1 - zy), 0, 0]),
  );
  return (await tf.image.transform(tf.clone(images), transforms, 'bilinear', 'reflect').data()) as Float32Array;
}

/** The cpu kernel one image at a time (it is right for a batch of one). */
async function referenceZoom(images: tf.Tensor4D, heightZoom: number[], widthZoom: number[]): Promise<Float32Array> {
  const [batch, height, width, channels] = images.shape;
  const out = new Float32Array(images.size);
  for (let b = 0; b < batch; b++) {
    const image = tf.slice(images, [b, 0, 0, 0], [1, height, width, channels]) as tf.Tensor4D;
    out.set(await transformZoom(image, [heightZoom[b]!], [widthZoom[b]!], 'cpu'), b * height * width * channels);
  }
  return out;
}

/** The largest |a - b|, for the checks that two computations differ. */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  return closeness(a, b).difference;
}

describe('zoomImages', () => {
  it('equals tf.image.transform (bilinear, reflect) of the cpu backend, zooming in and out', async () => {
    const images = tf.tensor4d(
      Float32Array.from({ length: 4 * 9 * 12 * 3 }, (_, i) => (i * 7919) % 256),
      [4, 9, 12, 3],
    );
    const heightZoom = ZOOMS.map((z) => z[0]);
    const widthZoom = ZOOMS.map((z) => z[1]);
    const expected = await referenceZoom(images, heightZoom, widthZoom);
    await selectBackend('wasm');
    const actual = await zoomImages(images, heightZoom, widthZoom).data();
    expectClose(actual, expected, { absolute: 1e-3, what: 'zoomImages vs tf.image.transform' });
  });

  it('computes the same on the host (wasm, cpu) as with gathers (other backends)', async () => {
    await selectBackend('wasm');
    const images = tf.tensor4d(
      Float32Array.from({ length: 4 * 9 * 12 * 3 }, (_, i) => (i * 7919) % 256),
      [4, 9, 12, 3],
    );
    const heightZoom = ZOOMS.map((z) => z[0]);
    const widthZoom = ZOOMS.map((z) => z[1]);
    const host = await zoomImages(images, heightZoom, widthZoom).data();
    const gathered = await zoomImagesWithGathers(images, zoomTapTensors(zoomTaps(images.shape, heightZoom, widthZoom))).data();
    expectClose(host, gathered, { absolute: 1e-3, what: 'host vs gathers' });
    expect(maxDifference(host, await images.data())).toBeGreaterThan(1);
  });

  it("records that wasm's Transform kernel gets 'reflect' wrong when zooming out", async () => {
    const images = tf.tensor4d(
      Float32Array.from({ length: 6 * 6 }, (_, i) => i),
      [1, 6, 6, 1],
    );
    const cpu = await transformZoom(images, [1.2], [1.2], 'cpu');
    const wasm = await transformZoom(images, [1.2], [1.2], 'wasm');
    expect(maxDifference(cpu, wasm)).toBeGreaterThan(1);
  });

  it('records that the cpu Transform kernel gets the second image of a batch wrong', async () => {
    const images = tf.tensor4d(
      Float32Array.from({ length: 2 * 9 * 12 }, (_, i) => (i * 7919) % 256),
      [2, 9, 12, 1],
    );
    const batched = await transformZoom(images, [1.2, 0.8], [1.15, 0.85], 'cpu');
    const oneByOne = await referenceZoom(images, [1.2, 0.8], [1.15, 0.85]);
    expect(maxDifference(batched.subarray(0, 108), oneByOne.subarray(0, 108))).toBe(0);
    expect(maxDifference(batched.subarray(108), oneByOne.subarray(108))).toBeGreaterThan(1);
  });
});
