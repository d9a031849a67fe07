import { describe, it } from 'vitest';
import { PatchPositionEmbedding } from '../../../packages/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('PatchPositionEmbedding converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    it(`matches tfjs at opset ${opset}`, async () => {
      const model = singleLayerModel(() => new PatchPositionEmbedding({}), [6, 8]);
      await expectOnnxParity(model, randomInput([3, 6, 8]), { opset });
    });
  }
});
