/**
 * File sizes at the seed configuration (image 64, patch 8, embedding 256, 4 blocks; CIFAR-100's
 * 32x32x3 input and 100 classes): int8 at most 0.35x the fp32 file, fp16 at most 0.55x, for each
 * model. Random weights: the sizes do not depend on them.
 */
import { describe, expect, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { calibrateActivations } from '@mlpx/export/src/precision/calibrate.js';
import { verificationImages } from '@mlpx/export/src/verify/verify-export.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { MODEL_NAMES, SEED_ARCHITECTURE } from '@mlpx/train/src/models/model-config.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('wasm');

describe.each(MODEL_NAMES)('%s at the seed configuration', (model) => {
  it('int8 is at most 0.35x and fp16 at most 0.55x the fp32 file', async () => {
    randomSource.reseed(1);
    const images = verificationImages(32, 32, 32, 3, 5);
    const classifier = buildClassifier(
      { model, inputHeight: 32, inputWidth: 32, inputChannels: 3, numClasses: 100, ...SEED_ARCHITECTURE },
      channelStatistics(Uint8Array.from(images), 3),
    );
    try {
      const fp32 = exportToOnnx(classifier).length;
      const { activations } = await calibrateActivations(classifier, images, [32, 32, 32, 3]);
      const int8 = exportToOnnx(classifier, { numerics: { precision: 'int8', activations } }).length;
      const fp16 = exportToOnnx(classifier, { numerics: { precision: 'fp16' } }).length;
      console.log(`${model}: fp32 ${fp32} bytes, int8 ${(int8 / fp32).toFixed(3)}x, fp16 ${(fp16 / fp32).toFixed(3)}x`);
      expect(int8 / fp32).toBeLessThanOrEqual(0.35);
      expect(fp16 / fp32).toBeLessThanOrEqual(0.55);
    } finally {
      classifier.dispose();
    }
  }, 120_000);
});
