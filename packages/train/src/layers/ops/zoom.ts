/**
 * Keras' zoom as separable bilinear sampling: for NHWC images, output(y, x) samples the input at
 * (zy * y + oy, zx * x + ox) with 'reflect' fill, which is what tf.image.transform computes for the
 * zoom matrix [zx, 0, ox, 0, zy, oy, 0, 0] (TensorFlow's ImageProjectiveTransform; tfjs's cpu
 * kernel, whose coordinate mapping is copied here). Because the map has no rotation or shear,
 * bilinear sampling factors into linear interpolation along rows, then along columns, each two
 * gathers and a weighted sum that every backend computes alike.
 *
 * Not tf.image.transform itself: in tfjs 4.22 the wasm Transform kernel fills 'reflect' with the
 * wrong pixels (the far side of the image) and the cpu kernel transforms every image of a batch
 * after the first wrongly (test/train/layers/zoom.test.ts records both).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../../backend-api/op-forms.js';
import { stepInput } from '../step-inputs.js';

/** TensorFlow's REFLECT coordinate mapping (d c b a | a b c d | d c b a), clamped to the image. */
export function reflectCoordinate(coordinate: number, length: number): number {
  let c = coordinate;
  if (c < 0) {
    if (length <= 1) c = 0;
    else {
      const period = 2 * length;
      if (c < period) c = period * Math.trunc(-c / period) + c;
      c = c < -length ? c + period : -c - 1;
    }
  } else if (c > length - 1) {
    if (length <= 1) c = 0;
    else {
      const period = 2 * length;
      c -= period * Math.trunc(c / period);
      if (c >= length) c = period - c - 1;
    }
  }
  return Math.min(Math.max(c, 0), length - 1);
}

/** The two taps of linear interpolation: output i samples input zoom * i + offset (reflected). */
export interface Taps {
  readonly low: number;
  readonly high: number;
  readonly highWeight: number;
}

export function linearTaps(i: number, length: number, zoom: number, offset: number): Taps {
  const c = reflectCoordinate(zoom * i + offset, length);
  const low = Math.floor(c);
  return { low, high: Math.ceil(c), highWeight: c - low };
}

/** Per output row and per output pixel: the input index and weight of each tap, for the whole batch. */
export interface ZoomTaps {
  readonly rowLow: Int32Array;
  readonly rowHigh: Int32Array;
  readonly rowWeight: Float32Array;
  readonly columnLow: Int32Array;
  readonly columnHigh: Int32Array;
  readonly columnWeight: Float32Array;
}

export function zoomTaps(shape: readonly number[], heightZoom: readonly number[], widthZoom: readonly number[]): ZoomTaps {
  const [batch, height, width] = shape as [number, number, number, number];
  const rowLow = new Int32Array(batch * height);
  const rowHigh = new Int32Array(batch * height);
  const rowWeight = new Float32Array(batch * height);
  const columnLow = new Int32Array(batch * height * width);
  const columnHigh = new Int32Array(batch * height * width);
  const columnWeight = new Float32Array(batch * height * width);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < height; y++) {
      const t = linearTaps(y, height, heightZoom[b]!, ((height - 1) / 2) * (1 - heightZoom[b]!));
      rowLow[b * height + y] = b * height + t.low;
      rowHigh[b * height + y] = b * height + t.high;
      rowWeight[b * height + y] = t.highWeight;
    }
    for (let x = 0; x < width; x++) {
      const t = linearTaps(x, width, widthZoom[b]!, ((width - 1) / 2) * (1 - widthZoom[b]!));
      for (let y = 0; y < height; y++) {
        const row = (b * height + y) * width;
        columnLow[row + x] = row + t.low;
        columnHigh[row + x] = row + t.high;
        columnWeight[row + x] = t.highWeight;
      }
    }
  }
  return { rowLow, rowHigh, rowWeight, columnLow, columnHigh, columnWeight };
}

/** The rows of a [rows, n] matrix at int32 indices: what interpolateRows gathers with. */
export type ZoomGatherForm = (m: tf.Tensor2D, indices: tf.Tensor1D) => tf.Tensor2D;

/** The gather's forms: tfjs's gather unless a backend has its own (TensorFlow's reads no indices back). */
export const zoomGatherOp = defineOp<ZoomGatherForm>('zoomGather', (m, indices) => tf.gather(m, indices));

/**
 * Linear interpolation along the rows of a [rows, n] matrix: output row r mixes input rows
 * low[r] and high[r] with weights 1 - w[r] and w[r], as two gathers and a weighted sum.
 */
function interpolateRows(m: tf.Tensor2D, low: tf.Tensor1D, high: tf.Tensor1D, highWeight: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const gather = zoomGatherOp.form();
    const lowRows = gather(m, low);
    const highRows = gather(m, high);
    return tf.add(lowRows, tf.mul(tf.sub(highRows, lowRows), highWeight)) as tf.Tensor2D;
  });
}

/** The taps as tensors, in the order zoomImagesWithGathers takes them. */
export function zoomTapTensors(t: ZoomTaps): tf.Tensor[] {
  return [
    tf.tensor1d(t.rowLow, 'int32'),
    tf.tensor1d(t.rowHigh, 'int32'),
    tf.tensor2d(t.rowWeight, [t.rowWeight.length, 1]),
    tf.tensor1d(t.columnLow, 'int32'),
    tf.tensor1d(t.columnHigh, 'int32'),
    tf.tensor2d(t.columnWeight, [t.columnWeight.length, 1]),
  ];
}

/** The tensor-op form, on any backend: rows of [B*H, W*C], then pixels of [B*H*W, C]. */
export function zoomImagesWithGathers(images: tf.Tensor4D, taps: readonly tf.Tensor[]): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  const [rowLow, rowHigh, rowWeight, columnLow, columnHigh, columnWeight] = taps as [
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor2D,
  ];
  return tf.tidy(() => {
    const alongRows = interpolateRows(tf.reshape(images, [batch * height, width * channels]), rowLow, rowHigh, rowWeight);
    const alongColumns = interpolateRows(tf.reshape(alongRows, [batch * height * width, channels]), columnLow, columnHigh, columnWeight);
    return tf.reshape(alongColumns, [batch, height, width, channels]);
  });
}

/** The zooms of a batch's images: image b by height[b] along its height and width[b] along its width. */
export interface ImageZooms {
  readonly height: readonly number[];
  readonly width: readonly number[];
}

/**
 * Zooms each image of [B, H, W, C] by the zooms `zooms` returns (a form calls it once, where it
 * needs them: RandomZoom draws them from the training stream there).
 */
export type ZoomForm = (images: tf.Tensor4D, zooms: () => ImageZooms) => tf.Tensor4D;

/**
 * The zoom's forms. Plain (TensorFlow, whose training step is one graph, and WebGPU): two gathers
 * and a weighted sum per axis, the taps as tensors (zoomTapTensors) made inside a step input, so
 * that a recorded step graph is fed each step's (layers/step-inputs.ts). On the host backends
 * (wasm, cpu) the interpolation runs in JavaScript on the tensor's data, 10x faster than the wasm
 * Gather kernel (backends/host/ops/zoom.ts). Both give the same values up to rounding
 * (test/train/layers/zoom.test.ts); the images need no gradient.
 */
export const zoomOp = defineOp<ZoomForm>('zoom', (images, zooms) =>
  tf.tidy(() =>
    zoomImagesWithGathers(
      images,
      stepInput(() => {
        const { height, width } = zooms();
        return zoomTapTensors(zoomTaps(images.shape, height, width));
      }),
    ),
  ),
);

/**
 * Zooms each image b of [B, H, W, C] by heightZoom[b], widthZoom[b] about its centre (Keras'
 * offsets: (len - 1) / 2 * (1 - zoom)): first along rows, then along columns.
 */
export function zoomImages(images: tf.Tensor4D, heightZoom: readonly number[], widthZoom: readonly number[]): tf.Tensor4D {
  return zoomOp.form()(images, () => ({ height: heightZoom, width: widthZoom }));
}

/** zoomImages by zooms drawn when the active backend's form needs them (RandomZoom's). */
export function zoomImagesAsDrawn(images: tf.Tensor4D, zooms: () => ImageZooms): tf.Tensor4D {
  return zoomOp.form()(images, zooms);
}
