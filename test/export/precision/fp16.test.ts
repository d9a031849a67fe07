/**
 * fp16 exports, layer by layer: float16 weights and values between a Cast after the input's
 * normalization and a Cast before the logits, so the graph still takes and gives float32; layer
 * norm's statistics in float32 (the operator's stash_type from opset 17, Casts around the
 * decomposed form below). Each converter's graph runs on onnxruntime's CPU EP at the opsets the
 * forms change at, within float16's error of TensorFlow.js, and passes the ONNX checker.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeModel, DataType } from '@mlpx/core/src/onnx/schema.js';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { toFloat16Bits } from '@mlpx/export/src/onnx/graph-builder.js';
import { openSession, runBatch } from '@mlpx/infer/src/runtime/onnxruntime-node.js';
import { BilinearResize, Normalization, PatchEmbedding, PatchPositionEmbedding, Patches } from '@mlpx/train/src/layers/index.js';
import { familyCases } from '../../families/family-cases.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';
import { CHECKER_MAX_OPSET, checkOnnxModel } from '../../helpers/onnx-checker.js';
import { randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

const CASES: [string, () => tf.layers.Layer, number[]][] = [
  ['BilinearResize', () => new BilinearResize({ height: 12, width: 12 }), [6, 6, 3]],
  ['Patches', () => new Patches({ patchSize: 4 }), [8, 8, 3]],
  ['Dense', () => tf.layers.dense({ units: 8 }), [6, 16]],
  ['PatchEmbedding', () => new PatchEmbedding({ units: 8 }), [6, 16]],
  ['GlobalAveragePooling1D', () => tf.layers.globalAveragePooling1d({}), [6, 8]],
  ['PatchPositionEmbedding', () => new PatchPositionEmbedding({}), [6, 8]],
  // Each model family's block on its first (small) shape, from its own cases (test/families/).
  ...familyCases().map(({ blocks: [block] }): [string, () => tf.layers.Layer, number[]] => [block!.name, block!.make, [...block!.shape]]),
];

describe('float16 rounding', () => {
  it('rounds float32 to the nearest half, ties to even, with subnormals, overflow and NaN', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // rounds up to infinity
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // a tie, to even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(toFloat16Bits(Number.NaN) & 0x7e00).toBe(0x7e00);
  });
});

describe.each(CASES)('fp16 %s', (_name, make, shape) => {
  it('takes and gives float32, holds float16 weights, and matches tfjs within float16 error at opsets 13, 17, 20, 21', async () => {
    const model = singleLayerModel(make, shape);
    const input = randomInput([3, ...shape], 9, 2);
    const expected = (await (model.predict(input) as tf.Tensor).data()) as Float32Array;
    for (const opset of [13, 17, 20, 21]) {
      const bytes = exportToOnnx(model, { opset, numerics: { precision: 'fp16' } });
      const graph = decodeModel(bytes).graph;
      for (const value of [...graph.input!, ...graph.output!]) expect(value.type!.tensor_type!.elem_type, value.name).toBe(DataType.FLOAT);
      const floats = (graph.initializer ?? []).filter((t) => t.data_type === DataType.FLOAT || t.data_type === DataType.FLOAT16);
      // Every float weight is float16; below opset 17 the decomposed layer norm's float32 statistics add their epsilon, a float32 scalar.
      const float32 = floats.filter((t) => t.data_type === DataType.FLOAT);
      expect(
        float32.every((t) => (t.dims ?? []).length === 0 && opset < 17),
        `float32 constants at opset ${opset}`,
      ).toBe(true);
      expect(floats.some((t) => t.data_type === DataType.FLOAT16) || floats.length === 0).toBe(true);
      if (opset <= CHECKER_MAX_OPSET) await checkOnnxModel(bytes);
      const { session } = await openSession(bytes, ['cpu'], 'the fp16 model');
      try {
        const { logits } = await runBatch(session, Float32Array.from(await input.data()), input.shape);
        expectClose(logits, expected, { relative: 1e-2, scaleFloor: 1, what: `fp16 vs tfjs at opset ${opset}` });
      } finally {
        await session.release();
      }
    }
  }, 120_000);
});

describe('fp16 exports', () => {
  it('keep the input normalization in float32: a zero-variance channel (std 1e-7, below float16 normal range) stays finite', async () => {
    const model = singleLayerModel(() => new Normalization({}), [4, 4, 3]);
    (model.layers[1] as Normalization).setStatistics({ mean: Float32Array.of(10, 20, 30), variance: Float32Array.of(4, 0, 9) });
    const bytes = exportToOnnx(model, { numerics: { precision: 'fp16' } });
    const graph = decodeModel(bytes).graph;
    expect(graph.initializer!.filter((t) => t.data_type === DataType.FLOAT16)).toEqual([]);
    const input = tf.fill([1, 4, 4, 3], 20);
    const { session } = await openSession(bytes, ['cpu'], 'the fp16 model');
    try {
      const { logits } = await runBatch(session, Float32Array.from(await input.data()), input.shape);
      expect(logits.every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('refuse a weight float16 cannot hold, naming the layer', () => {
    const model = singleLayerModel(() => tf.layers.dense({ units: 2 }), [3]);
    model.layers[1]!.weights[0]!.write(tf.fill([3, 2], 1e5));
    expect(() => exportToOnnx(model, { numerics: { precision: 'fp16' } })).toThrow(
      /cannot export layer '.*' in fp16: weight .* holds 100000 .* outside float16's range/,
    );
  });
});
