import { describe, expect, it } from 'vitest';
import { PatchPositionEmbedding, POSITION_TABLES } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('PatchPositionEmbedding converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    // Frozen (the seed's constant, a non-trainable weight) and trained tables export alike.
    for (const table of POSITION_TABLES) {
      it(`matches tfjs at opset ${opset} (${table} table)`, async () => {
        const model = singleLayerModel(() => new PatchPositionEmbedding({ table }), [6, 8]);
        expect(model.trainableWeights.length).toBe(table === 'trained' ? 1 : 0);
        await expectOnnxParity(model, randomInput([3, 6, 8]), { opset });
      });
    }
  }
});
