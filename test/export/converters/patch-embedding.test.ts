import { describe, expect, it } from 'vitest';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { PatchEmbedding } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('PatchEmbedding converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    it(`matches tfjs at opset ${opset} (MatMul + Add)`, async () => {
      const model = singleLayerModel(() => new PatchEmbedding({ units: 5 }), [6, 12]);
      const { bytes } = await expectOnnxParity(model, randomInput([3, 6, 12]), { opset });
      expect(summarizeOnnx(bytes).operators).toMatchObject({ MatMul: 1, Add: 1 });
    });
  }
});
