import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { Patches, RandomFlip, RandomZoom, SeededDropout } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { randomInput } from '../../helpers/single-layer-model.js';

useBackend('wasm');

describe('training-only layers (augmentation, dropout) export as nothing', () => {
  it('RandomFlip, RandomZoom, SeededDropout and Dropout add no node, not even an Identity', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    let x = new RandomFlip({}).apply(input) as tf.SymbolicTensor;
    x = new RandomZoom({ heightFactor: 0.2, widthFactor: 0.2 }).apply(x) as tf.SymbolicTensor;
    x = new Patches({ patchSize: 2 }).apply(x) as tf.SymbolicTensor;
    x = new SeededDropout({ rate: 0.5 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: 0.5 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 5 }).apply(x) as tf.SymbolicTensor });
    const { bytes } = await expectOnnxParity(model, randomInput([2, 4, 4, 3]));
    expect(summarizeOnnx(bytes).operators).toEqual({ Reshape: 2, Transpose: 1, MatMul: 1, Add: 1, Softmax: 1 });
  });
});
