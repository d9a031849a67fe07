/**
 * int8 exports, layer by layer: each dense layer over the last axis becomes QuantizeLinear +
 * MatMulIntegerToFloat (com.microsoft) with an int8 kernel quantized per output channel and the
 * calibrated input range; dense layers over the patch axis, FNet's Fourier transform and every
 * other node stay float32. The quantized graphs load and run on onnxruntime's CPU EP at every
 * opset, pass the ONNX checker, and stay within int8's error of TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeModel, DataType } from '@mlpx/core/src/onnx/schema.js';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { FLOAT16_STORAGE_MIN } from '@mlpx/export/src/onnx/graph-builder.js';
import { MAX_OPSET, MIN_OPSET } from '@mlpx/export/src/onnx/versions.js';
import { calibrateActivations } from '@mlpx/export/src/precision/calibrate.js';
import { activationQuantization, quantizePerColumn } from '@mlpx/export/src/emit/int8-dense.js';
import { openSession, runBatch } from '@mlpx/infer/src/runtime/onnxruntime-node.js';
import { MixerBlock } from '@mlpx/train/src/layers/index.js';
import { familyCases } from '../../families/family-cases.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';
import { CHECKER_MAX_OPSET, checkOnnxModel } from '../../helpers/onnx-checker.js';
import { randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

const EVERY_OPSET = Array.from({ length: MAX_OPSET - MIN_OPSET + 1 }, (_, i) => MIN_OPSET + i);

function operatorCounts(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of decodeModel(bytes).graph.node ?? []) counts[node.op_type!] = (counts[node.op_type!] ?? 0) + 1;
  return counts;
}

async function onnxOutput(bytes: Uint8Array, input: tf.Tensor): Promise<Float32Array> {
  const { session } = await openSession(bytes, ['cpu'], 'the int8 model');
  try {
    return (await runBatch(session, Float32Array.from(await input.data()), input.shape)).logits;
  } finally {
    await session.release();
  }
}

describe('int8 weights and activations', () => {
  it('quantizes a kernel symmetrically per output column: scale max|w| / 127, values in [-127, 127], an all-zero column kept at zero', () => {
    const kernel = Float32Array.of(0.5, -2, 0, 1, 0.25, 0, -1, 1, 0); // [3, 3]: columns 0 and 1 differ in scale, 2 is zero
    const { values, scales } = quantizePerColumn(kernel, 3, 3);
    expect(Array.from(scales)).toEqual([1 / 127, 2 / 127, 1].map((v) => Math.fround(v)));
    expect(Array.from(values)).toEqual([64, -127, 0, 127, 16, 0, -127, 64, 0]);
    for (let i = 0; i < kernel.length; i++) expect(Math.abs(values[i]! * scales[i % 3]! - kernel[i]!)).toBeLessThanOrEqual(scales[i % 3]! / 2 + 1e-7);
  });

  it('quantizes an activation range to uint8 with an exact zero', () => {
    expect(activationQuantization(-1, 3)).toEqual({ scale: 4 / 255, zeroPoint: 64 });
    // A range without zero is widened to hold it.
    expect(activationQuantization(2, 5)).toEqual({ scale: 5 / 255, zeroPoint: 0 });
    expect(activationQuantization(-4, -1)).toEqual({ scale: 4 / 255, zeroPoint: 255 });
    expect(activationQuantization(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it('calibrates each dense layer on its input: min-max is the range seen, the percentile range lies inside it', async () => {
    const model = singleLayerModel(() => new MixerBlock({ dropoutRate: 0 }), [8, 16]);
    const input = randomInput([32, 8, 16], 4);
    const images = Float32Array.from(await input.data());
    const minmax = await calibrateActivations(model, images, [32, 8, 16], { method: 'minmax' });
    const percentile = await calibrateActivations(model, images, [32, 8, 16], { method: 'percentile', percentile: 99 });
    expect([...minmax.ranges.keys()].map((name) => name.split('/')[1]).sort()).toEqual(['channel_mlp_1', 'channel_mlp_2']);
    for (const [layer, range] of minmax.ranges) {
      const inner = percentile.ranges.get(layer)!;
      expect(range.low).toBeLessThan(0);
      expect(range.high).toBeGreaterThan(0);
      expect(inner.low).toBeGreaterThanOrEqual(range.low);
      expect(inner.high).toBeLessThanOrEqual(range.high);
      expect(inner.high - inner.low).toBeLessThan(range.high - range.low);
    }
    expect(minmax.images).toBe(32);
    expect(percentile.percentile).toBe(99);
  });
});

const BLOCKS: [string, () => tf.layers.Layer, number[], { int8: number; float: number; quantize?: number }][] = [
  // Each model family's block and what its int8 export holds, from its own cases (test/families/).
  ...familyCases().map(({ blocks: [block], int8 }): [string, () => tf.layers.Layer, number[], typeof int8] => [
    block!.name,
    block!.make,
    [...block!.shape],
    int8,
  ]),
  ['Dense over [B, R, F]', () => tf.layers.dense({ units: 12 }), [6, 16], { int8: 1, float: 0 }],
  ['Dense over [B, F] (the head)', () => tf.layers.dense({ units: 10 }), [24], { int8: 1, float: 0 }],
];

describe.each(BLOCKS)('int8 %s', (_name, make, shape, expected) => {
  it('quantizes the dense layers over the last axis, keeps the rest float32, and runs at every opset within int8 error of tfjs', async () => {
    const model = singleLayerModel(make, shape);
    const calibrationInput = randomInput([64, ...shape], 11);
    const { activations } = await calibrateActivations(model, Float32Array.from(await calibrationInput.data()), [64, ...shape]);
    const input = randomInput([4, ...shape], 9);
    const expected32 = (await (model.predict(input) as tf.Tensor).data()) as Float32Array;
    for (const opset of EVERY_OPSET) {
      const bytes = exportToOnnx(model, { opset, numerics: { precision: 'int8', activations } });
      const ops = operatorCounts(bytes);
      expect(ops['MatMulIntegerToFloat'] ?? 0, `opset ${opset}`).toBe(expected.int8);
      expect(ops['QuantizeLinear'] ?? 0).toBe(expected.quantize ?? expected.int8);
      expect(ops['MatMul'] ?? 0).toBe(expected.float);
      const decoded = decodeModel(bytes);
      expect(decoded.opset_import).toContainEqual({ domain: 'com.microsoft', version: 1 });
      const int8Kernels = (decoded.graph.initializer ?? []).filter((t) => t.data_type === DataType.INT8);
      expect(int8Kernels).toHaveLength(expected.int8);
      if (opset <= CHECKER_MAX_OPSET) await checkOnnxModel(bytes);
      // int8 weights and activations: about 1% of the output's scale here.
      expectClose(await onnxOutput(bytes, input), expected32, { relative: 0.05, scaleFloor: 1, what: `int8 vs tfjs at opset ${opset}` });
    }
  }, 120_000);
});

describe('int8 storage of the float32 constants it keeps', () => {
  it('stores a large float32 constant (a token-mixing kernel) as float16 with a Cast, and a small one (a bias) as float32', async () => {
    const model = singleLayerModel(() => new MixerBlock({ dropoutRate: 0 }), [64, 16]);
    const calibrationInput = randomInput([16, 64, 16], 11);
    const { activations } = await calibrateActivations(model, Float32Array.from(await calibrationInput.data()), [16, 64, 16]);
    const bytes = exportToOnnx(model, { numerics: { precision: 'int8', activations } });
    const initializers = decodeModel(bytes).graph.initializer ?? [];
    const size = (dims: readonly number[] | undefined): number => (dims ?? []).reduce((a, b) => a * b, 1);
    const halves = initializers.filter((t) => t.data_type === DataType.FLOAT16);
    expect(halves.map((t) => t.dims)).toEqual([
      [64, 64],
      [64, 64],
    ]); // the token MLP's two transposed kernels
    expect(initializers.filter((t) => t.data_type === DataType.FLOAT).every((t) => size(t.dims) < FLOAT16_STORAGE_MIN)).toBe(true);
    const input = randomInput([2, 64, 16], 9);
    expectClose(await onnxOutput(bytes, input), (await (model.predict(input) as tf.Tensor).data()) as Float32Array, {
      relative: 0.05,
      scaleFloor: 1,
      what: 'int8 vs tfjs',
    });
  }, 60_000);
});
