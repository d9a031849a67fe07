/**
 * Calibration of an int8 export: the range of every value an int8 layer quantizes (each dense
 * layer's input), measured by running the fp32 graph, with those values as extra outputs
 * (exportForCalibration), through ONNX Runtime on training images. Each range becomes the
 * per-tensor uint8 scale and zero point of that layer's QuantizeLinear.
 *
 *   minmax:     the smallest and largest value seen.
 *   percentile: the values at (100 - p) / 2 % and (100 + p) / 2 % of all those seen (default p =
 *               99.99), from a 4096-bin histogram over the min-max range (a second pass), so
 *               that a few outliers do not stretch the scale for every other value.
 * BENCHMARKS.md ("int8") has what each kept of the three models' accuracy.
 */
import type * as tf from '@tensorflow/tfjs';
import { INPUT_NAME } from '@mlpx/core';
import { openSession, runAllOutputs } from '@mlpx/infer/tooling';
import { converterOptionsOf, exportForCalibration, type ExportOptions } from '../export-to-onnx.js';
import { activationQuantization } from '../emit/int8-dense.js';
import type { ActivationQuantization } from '../onnx/numerics.js';

export type CalibrationMethod = 'minmax' | 'percentile';
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile'];
export const DEFAULT_CALIBRATION_METHOD: CalibrationMethod = 'minmax';
export const DEFAULT_PERCENTILE = 99.99;
/** Training images calibration runs by default. */
export const DEFAULT_CALIBRATION_IMAGES = 512;

const BINS = 4096;
const BATCH = 64;

export interface CalibrationOptions extends Pick<ExportOptions, 'opset' | 'converterOptions' | 'fft'> {
  readonly method?: CalibrationMethod;
  /** percentile: the central share of the values kept, in percent. */
  readonly percentile?: number;
  /** Multiplies every measured range (1 by default; tests shrink it to show the accuracy gate refusing a model). */
  readonly rangeScale?: number;
}

export interface Calibration {
  /** By dense layer node name. */
  readonly activations: ReadonlyMap<string, ActivationQuantization>;
  /** Each range as measured (before rangeScale), by dense layer node name. */
  readonly ranges: ReadonlyMap<string, { readonly low: number; readonly high: number }>;
  readonly images: number;
  readonly method: CalibrationMethod;
  readonly percentile: number | undefined;
}

/** `images`: the model's float32 input of `shape[0]` examples, `shape` [n, ...one example's shape] (NHWC 0-255 pixels for a classifier). */
export async function calibrateActivations(
  model: tf.LayersModel,
  images: Float32Array,
  shape: readonly number[],
  options: CalibrationOptions = {},
): Promise<Calibration> {
  const method = options.method ?? DEFAULT_CALIBRATION_METHOD;
  const percentile = method === 'percentile' ? (options.percentile ?? DEFAULT_PERCENTILE) : undefined;
  if (percentile !== undefined && !(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
  const [count = 0, ...example] = shape;
  if (count < 1) throw new RangeError('calibration needs at least one image');
  const { bytes, denseInputs } = exportForCalibration(model, {
    ...(options.opset === undefined ? {} : { opset: options.opset }),
    converterOptions: converterOptionsOf(options),
  });
  const outputs = [...new Set(denseInputs.values())];
  const { session } = await openSession(bytes, ['cpu'], 'the calibration graph');
  const pixels = example.reduce((a, b) => a * b, 1);
  const eachBatch = async (visit: (output: string, values: Float32Array) => void): Promise<void> => {
    for (let start = 0; start < count; start += BATCH) {
      const n = Math.min(BATCH, count - start);
      const batch = images.subarray(start * pixels, (start + n) * pixels);
      // A dense layer reading the graph's input (a model of one Dense layer) reads the images themselves.
      const results: Record<string, Float32Array> = { ...(await runAllOutputs(session, batch, [n, ...example])), [INPUT_NAME]: batch };
      for (const output of outputs) visit(output, results[output]!);
    }
  };
  try {
    const low = new Map(outputs.map((o) => [o, Infinity]));
    const high = new Map(outputs.map((o) => [o, -Infinity]));
    await eachBatch((output, values) => {
      let lo = low.get(output)!;
      let hi = high.get(output)!;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      low.set(output, lo);
      high.set(output, hi);
    });
    const ranges = new Map(outputs.map((o) => [o, { low: low.get(o)!, high: high.get(o)! }]));
    if (percentile !== undefined && percentile < 100) {
      const histograms = new Map(outputs.map((o) => [o, new Float64Array(BINS)]));
      await eachBatch((output, values) => {
        const { low: lo, high: hi } = ranges.get(output)!;
        const histogram = histograms.get(output)!;
        const width = (hi - lo) / BINS || 1;
        for (let i = 0; i < values.length; i++) histogram[Math.min(BINS - 1, Math.floor((values[i]! - lo) / width))]! += 1;
      });
      for (const output of outputs) ranges.set(output, centralRange(histograms.get(output)!, ranges.get(output)!, percentile));
    }
    const rangeScale = options.rangeScale ?? 1;
    const byLayer = new Map([...denseInputs].map(([layer, output]) => [layer, ranges.get(output)!]));
    return {
      activations: new Map([...byLayer].map(([layer, { low: lo, high: hi }]) => [layer, activationQuantization(lo * rangeScale, hi * rangeScale)])),
      ranges: byLayer,
      images: count,
      method,
      percentile,
    };
  } finally {
    await session.release();
  }
}

/** The range holding the central `percentile`% of a histogram's values over [low, high]. */
function centralRange(histogram: Float64Array, { low, high }: { low: number; high: number }, percentile: number): { low: number; high: number } {
  const total = histogram.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - percentile)) / 200;
  const width = (high - low) / histogram.length;
  let below = 0;
  let first = 0;
  while (first < histogram.length - 1 && below + histogram[first]! <= tail) below += histogram[first++]!;
  let above = 0;
  let last = histogram.length - 1;
  while (last > first && above + histogram[last]! <= tail) above += histogram[last--]!;
  return { low: low + first * width, high: low + (last + 1) * width };
}
