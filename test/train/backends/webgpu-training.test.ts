/**
 * Training on tfjs's WebGPU backend (Dawn on SwiftShader here): one training step of each model
 * from the same weights, batch and random stream gives the loss of the wasm backend within 1e-4
 * and its gradients within 1e-3 (relative); and a short run's loss falls.
 */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES, type ModelConfig, type ModelName } from '@mlpx/train/src/models/model-config.js';
import { evaluate } from '@mlpx/train/src/training/evaluate.js';
import { fit } from '@mlpx/train/src/fit/fit.js';
import { expectClose } from '../../helpers/closeness.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';
import { stepOnWasmAndOn } from '../../helpers/step-on-two-backends.js';
import { syntheticImages } from '../../helpers/synthetic-images.js';

useSwiftShader();

const SHAPE = { height: 16, width: 16, channels: 3 };

function config(model: ModelName): ModelConfig {
  return smallModelConfig(model, { numClasses: 4, imageSize: 20, patchSize: 4, embeddingDim: 16 });
}

describe('the webgpu backend', () => {
  for (const name of MODEL_NAMES) {
    it(`${name}: one step matches wasm (loss within 1e-4, gradients within 1e-3 relative)`, async () => {
      const { wasm, other: webgpu, weightNames } = await stepOnWasmAndOn('webgpu', config(name));
      expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThan(1e-4);
      let worst = 0;
      wasm.grads.forEach((expected, i) => {
        const { relative } = expectClose(webgpu.grads[i]!, expected, { relative: 1e-3, scaleFloor: 1e-6, what: weightNames[i]! });
        worst = Math.max(worst, relative);
      });
      console.log(
        `${name}: loss ${wasm.loss.toFixed(6)} (wasm) vs ${webgpu.loss.toFixed(6)} (webgpu), largest relative gradient difference ${worst.toExponential(2)}`,
      );
    }, 120_000);
  }

  it('trains: a short run on webgpu lowers the loss', async () => {
    await selectBackend('webgpu');
    const train = syntheticImages({ count: 64, classes: 4, size: 16, channels: 3, seed: 2 });
    const validation = syntheticImages({ count: 16, classes: 4, size: 16, channels: 3, seed: 3 });
    randomSource.reseed(1);
    const model = buildClassifier(config('mixer'), channelStatistics(train.images, 3));
    const before = await evaluate(model, train, SHAPE, 64);
    await fit(model, { train, validation }, SHAPE, { epochs: 3, batchSize: 16, learningRate: 0.003, weightDecay: 1e-4 });
    const after = await evaluate(model, train, SHAPE, 64);
    expect(after.loss).toBeLessThan(before.loss * 0.8);
    model.dispose();
  }, 300_000);
});
