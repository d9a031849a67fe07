/**
 * Every converter's output runs the same on onnxruntime's WebGPU execution provider (SwiftShader
 * here) as on its CPU provider: the graphs mlpx writes use only operator forms both implement
 * correctly (a Resize of NHWC's middle axes did not, hence the NCHW Resize).
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { BilinearResize, Normalization, PatchEmbedding, PatchPositionEmbedding, Patches } from '@mlpx/train/src/layers/index.js';
import { blockCases } from '../families/family-cases.js';
import { useBackend } from '../helpers/backend.js';
import { expectClose } from '../helpers/closeness.js';
import { randomInput, singleLayerModel } from '../helpers/single-layer-model.js';
import { useSwiftShader } from '../helpers/swiftshader.js';

useBackend('wasm');
useSwiftShader();

const CASES: [string, () => tf.layers.Layer, number[]][] = [
  ['Normalization', () => new Normalization({}), [6, 6, 3]],
  ['BilinearResize 28x28x1 to 32', () => new BilinearResize({ height: 32, width: 32 }), [28, 28, 1]],
  ['BilinearResize 6x6x3 to 12', () => new BilinearResize({ height: 12, width: 12 }), [6, 6, 3]],
  ['Patches', () => new Patches({ patchSize: 4 }), [8, 8, 3]],
  ['Dense', () => tf.layers.dense({ units: 8 }), [6, 16]],
  ['PatchEmbedding', () => new PatchEmbedding({ units: 8 }), [6, 16]],
  ['GlobalAveragePooling1D', () => tf.layers.globalAveragePooling1d({}), [6, 8]],
  ['PatchPositionEmbedding', () => new PatchPositionEmbedding({}), [6, 8]],
  // Each model family's blocks, from its own cases (test/families/).
  ...blockCases().map((block): [string, () => tf.layers.Layer, number[]] => [block.name, block.make, [...block.shape]]),
];

async function run(bytes: Uint8Array, provider: string, input: tf.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
  try {
    const results = await session.run({ images: new ort.Tensor('float32', Float32Array.from(await input.data()), input.shape) });
    return results['logits']!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('WebGPU execution provider matches the CPU provider', () => {
  for (const [name, make, shape] of CASES) {
    it(
      name,
      async () => {
        const model = singleLayerModel(make, shape);
        if (model.layers[1] instanceof Normalization) model.layers[1].setStatistics({ mean: Float32Array.of(1, 2, 3), variance: Float32Array.of(4, 0, 9) });
        const input = randomInput([2, ...shape], 9, 10);
        for (const opset of [13, 17, 20]) {
          const bytes = exportToOnnx(model, { opset });
          const cpu = await run(bytes, 'cpu', input);
          const webgpu = await run(bytes, 'webgpu', input);
          expectClose(webgpu, cpu, { relative: 1e-4, scaleFloor: 1, what: `opset ${opset}` });
        }
      },
      60_000,
    );
  }
});
