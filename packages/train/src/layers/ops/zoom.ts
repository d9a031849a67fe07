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
import { CPU_BACKENDS } from '../../backend/cpu-backends.js';
import { onTensorflow } from '../../backend/native-tensorflow.js';
import { gather as gatherOnTensorflow } from './tensorflow-kernels.js';

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
interface Taps {
  readonly low: number;
  readonly high: number;
  readonly highWeight: number;
}

function taps(i: number, length: number, zoom: number, offset: number): Taps {
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
      const t = taps(y, height, heightZoom[b]!, ((height - 1) / 2) * (1 - heightZoom[b]!));
      rowLow[b * height + y] = b * height + t.low;
      rowHigh[b * height + y] = b * height + t.high;
      rowWeight[b * height + y] = t.highWeight;
    }
    for (let x = 0; x < width; x++) {
      const t = taps(x, width, widthZoom[b]!, ((width - 1) / 2) * (1 - widthZoom[b]!));
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

/**
 * Linear interpolation along the rows of a [rows, n] matrix: output row r mixes input rows
 * low[r] and high[r] with weights 1 - w[r] and w[r], as two gathers and a weighted sum.
 */
function interpolateRows(m: tf.Tensor2D, low: tf.Tensor1D, high: tf.Tensor1D, highWeight: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const gather = onTensorflow() ? gatherOnTensorflow : tf.gather;
    const lowRows = gather(m, low);
    const highRows = gather(m, high);
    return tf.add(lowRows, tf.mul(tf.sub(highRows, lowRows), highWeight)) as tf.Tensor2D;
  });
}

/**
 * The zoom on the host: along rows (each output row mixes two input rows of W * C values), then
 * along columns (each output pixel mixes two pixels of its row), with the taps computed once per
 * image row index and per column index rather than expanded per pixel as zoomTaps does for the
 * gathers. The same arithmetic as the gathers' form: a + (b - a) * w with float32 weights.
 */
function zoomOnHost(data: Float32Array, shape: readonly [number, number, number, number], heightZoom: readonly number[], widthZoom: readonly number[]): Float32Array {
  const [batch, height, width, channels] = shape;
  const rowLength = width * channels;
  const alongRows = new Float32Array(data.length);
  const out = new Float32Array(data.length);
  const columnLow = new Int32Array(width);
  const columnHigh = new Int32Array(width);
  const columnWeight = new Float32Array(width);
  for (let b = 0; b < batch; b++) {
    const image = b * height * rowLength;
    const zy = heightZoom[b]!;
    for (let y = 0; y < height; y++) {
      const t = taps(y, height, zy, ((height - 1) / 2) * (1 - zy));
      const w = Math.fround(t.highWeight);
      const lowStart = image + t.low * rowLength;
      const highStart = image + t.high * rowLength;
      const target = image + y * rowLength;
      for (let i = 0; i < rowLength; i++) {
        const a = data[lowStart + i]!;
        alongRows[target + i] = a + (data[highStart + i]! - a) * w;
      }
    }
    const zx = widthZoom[b]!;
    for (let x = 0; x < width; x++) {
      const t = taps(x, width, zx, ((width - 1) / 2) * (1 - zx));
      columnLow[x] = t.low * channels;
      columnHigh[x] = t.high * channels;
      columnWeight[x] = t.highWeight;
    }
    for (let y = 0; y < height; y++) {
      const row = image + y * rowLength;
      for (let x = 0; x < width; x++) {
        const low = row + columnLow[x]!;
        const high = row + columnHigh[x]!;
        const w = columnWeight[x]!;
        const target = row + x * channels;
        for (let c = 0; c < channels; c++) {
          const a = alongRows[low + c]!;
          out[target + c] = a + (alongRows[high + c]! - a) * w;
        }
      }
    }
  }
  return out;
}

/** Whether zoomImages interpolates on the host (wasm and cpu) rather than with gathers. */
export function zoomsOnHost(): boolean {
  return CPU_BACKENDS.has(tf.getBackend());
}

/**
 * Zooms each image b of [B, H, W, C] by heightZoom[b], widthZoom[b] about its centre (Keras'
 * offsets: (len - 1) / 2 * (1 - zoom)): first along rows, then along columns.
 *
 * On wasm and cpu the interpolation runs in JavaScript on the tensor's data: 10x faster than the
 * wasm Gather kernel (0.3 s of a seed-configuration training step) or a batched interpolation
 * matmul (0.18 s). Elsewhere (TensorFlow, whose training step is one graph, and WebGPU) it is two
 * gathers and a weighted sum per axis, with the taps as tensors (zoomTapTensors). Both give the
 * same values up to rounding (test/train/layers/zoom.test.ts); the images need no gradient.
 */
export function zoomImages(images: tf.Tensor4D, heightZoom: readonly number[], widthZoom: readonly number[]): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (zoomsOnHost()) {
    return tf.tensor4d(zoomOnHost(images.dataSync() as Float32Array, images.shape, heightZoom, widthZoom), [batch, height, width, channels]);
  }
  return tf.tidy(() => zoomImagesWithGathers(images, zoomTapTensors(zoomTaps(images.shape, heightZoom, widthZoom))));
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
  const [rowLow, rowHigh, rowWeight, columnLow, columnHigh, columnWeight] = taps as [tf.Tensor1D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor2D];
  return tf.tidy(() => {
    const alongRows = interpolateRows(tf.reshape(images, [batch * height, width * channels]), rowLow, rowHigh, rowWeight);
    const alongColumns = interpolateRows(tf.reshape(alongRows, [batch * height * width, channels]), columnLow, columnHigh, columnWeight);
    return tf.reshape(alongColumns, [batch, height, width, channels]);
  });
}
