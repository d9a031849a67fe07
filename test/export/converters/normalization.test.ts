import { describe, it } from 'vitest';
import { Normalization } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('Normalization converter', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    it(`matches tfjs at opset ${opset}, a zero variance included`, async () => {
      const model = singleLayerModel(() => new Normalization({}), [4, 5, 3]);
      (model.layers[1] as Normalization).setStatistics({ mean: Float32Array.of(120, 100.5, 90), variance: Float32Array.of(3000, 2500, 0) });
      await expectOnnxParity(model, randomInput([2, 4, 5, 3], 9, 100), { opset });
    });
  }
});
