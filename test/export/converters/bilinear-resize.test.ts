import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { BilinearResize } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('BilinearResize converter (half-pixel centres)', () => {
  for (const opset of OPSETS_UNDER_TEST) {
    for (const [from, to] of [
      [
        [32, 32],
        [64, 64],
      ],
      [
        [28, 28],
        [64, 64],
      ],
      [
        [6, 10],
        [12, 16],
      ],
      [
        [12, 16],
        [6, 10],
      ],
    ] as const) {
      it(`matches tfjs at opset ${opset}, ${from.join('x')} to ${to.join('x')}`, async () => {
        const model = singleLayerModel(() => new BilinearResize({ height: to[0], width: to[1] }), [from[0], from[1], 3]);
        await expectOnnxParity(model, randomInput([2, from[0], from[1], 3], 9, 100), { opset });
      });
    }
  }
  it('writes no node for a resize to the same size', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const resized = new BilinearResize({ height: 8, width: 8 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(resized) as tf.SymbolicTensor });
    const { bytes } = await expectOnnxParity(model, randomInput([2, 8, 8, 3], 9, 100), { opset: 17 });
    expect(summarizeOnnx(bytes).operators).toEqual({ MatMul: 1, Add: 1, Softmax: 1 });
  });
});
