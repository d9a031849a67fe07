import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('Dense converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    it(`matches tfjs at opset ${opset} on [batch, features] (Gemm)`, async () => {
      const model = singleLayerModel(() => tf.layers.dense({ units: 5 }), [7]);
      const { bytes } = await expectOnnxParity(model, randomInput([3, 7]), { opset });
      expect(summarizeOnnx(bytes).operators).toMatchObject({ Gemm: 1 });
    });
    it(`matches tfjs at opset ${opset} on [batch, rows, features] (MatMul + Add)`, async () => {
      const model = singleLayerModel(() => tf.layers.dense({ units: 5 }), [4, 7]);
      const { bytes } = await expectOnnxParity(model, randomInput([3, 4, 7]), { opset });
      expect(summarizeOnnx(bytes).operators).toMatchObject({ MatMul: 1, Add: 1 });
    });
  }
  it('refuses an activation it does not write', () => {
    const model = singleLayerModel(() => tf.layers.dense({ units: 5, activation: 'relu', name: 'hidden' }), [7]);
    expect(() => exportToOnnx(model)).toThrow(/hidden.*activation 'relu'/);
  });
});
