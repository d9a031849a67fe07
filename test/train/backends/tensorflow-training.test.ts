/**
 * Training on native TensorFlow (tfjs-node's 'tensorflow' backend), whose layers take their
 * TensorFlow forms (one tape node per block, matmul flags): one training step of each model, from
 * the same weights, batch and random stream, gives the wasm backend's loss within 1e-4 and its
 * gradients within 1e-3 (relative).
 */
import { expect, it } from 'vitest';
import { MODEL_NAMES, type ModelConfig, type ModelName } from '@mlpx/train/src/models/model-config.js';
import { expectClose } from '../../helpers/closeness.js';
import { smallModelConfig } from '../../helpers/small-model-config.js';
import { stepOnWasmAndOn } from '../../helpers/step-on-two-backends.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

/** 36 patches of 20 channels: patches and channels differ, so a swapped axis would show. */
function config(model: ModelName): ModelConfig {
  return smallModelConfig(model, { numClasses: 5, imageSize: 24, patchSize: 4, embeddingDim: 20 });
}

describeWithTensorflow('training on the tensorflow backend', () => {
  for (const name of MODEL_NAMES) {
    it(`${name}: one step matches wasm (loss within 1e-4, every gradient within 1e-3 relative)`, async () => {
      const { wasm, other: native, weightNames } = await stepOnWasmAndOn('tensorflow', config(name));
      expect(Math.abs(native.loss - wasm.loss) / Math.abs(wasm.loss)).toBeLessThan(1e-4);
      let worst = 0;
      wasm.grads.forEach((expected, i) => {
        const { relative } = expectClose(native.grads[i]!, expected, { relative: 1e-3, what: weightNames[i]! });
        worst = Math.max(worst, relative);
      });
      console.log(
        `${name}: loss ${wasm.loss.toFixed(6)} (wasm) vs ${native.loss.toFixed(6)} (tensorflow), largest relative gradient difference ${worst.toExponential(2)}`,
      );
    }, 120_000);
  }
});
