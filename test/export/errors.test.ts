import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { exportToOnnx, UnsupportedLayersError } from '@mlpx/export/src/export-to-onnx.js';
import { useBackend } from '../helpers/backend.js';

useBackend('wasm');

function unsupportedModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, name: 'conv' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 3, name: 'head' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

describe('exportToOnnx errors', () => {
  it('names every unsupported layer at once, and where to add a converter', () => {
    const model = unsupportedModel();
    let error: unknown;
    try {
      exportToOnnx(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedLayersError);
    expect((error as Error).message).toMatch(/Conv2D \(layer 'conv'\), Flatten \(layer 'flat'\)/);
    expect((error as Error).message).toMatch(/packages\/export\/src\/converters\//);
    expect((error as Error).message).not.toMatch(/Dense/.source + " \\(layer 'head'\\)");
  });

  it('refuses opsets outside 13 to 21', () => {
    const model = unsupportedModel();
    expect(() => exportToOnnx(model, { opset: 12 })).toThrow(/--opset 12 is not supported: choose 13 to 21/);
    expect(() => exportToOnnx(model, { opset: 22 })).toThrow(/--opset 22/);
  });
});
