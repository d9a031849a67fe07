import { describe, it } from 'vitest';
import { MixerBlock, type GeluApproximation } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('MixerBlock converter', () => {
  for (const gelu of ['exact', 'tanh'] as GeluApproximation[]) {
    for (const opset of OPSETS_UNDER_TEST) {
      it(`matches tfjs at opset ${opset}, ${gelu} GELU`, async () => {
        const model = singleLayerModel(() => new MixerBlock({ dropoutRate: 0.2, gelu }), [6, 8]);
        await expectOnnxParity(model, randomInput([3, 6, 8]), { opset });
      });
    }
  }
});
