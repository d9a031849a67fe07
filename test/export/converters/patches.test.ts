import { describe, it } from 'vitest';
import { Patches } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('Patches converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    it(`matches tfjs at opset ${opset}, for several batch sizes`, async () => {
      const model = singleLayerModel(() => new Patches({ patchSize: 4 }), [8, 12, 3]);
      for (const batch of [1, 3]) await expectOnnxParity(model, randomInput([batch, 8, 12, 3]), { opset });
    });
  }
});
