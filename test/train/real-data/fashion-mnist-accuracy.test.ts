/**
 * Real data: MLP-Mixer at a small configuration on 5,000 Fashion-MNIST images (from the sample
 * shipped in packages/train: the published files' first images, as Debian's copy has them) for 2 epochs reaches at least 75% top-1 on the first 1,000 test images.
 * Measured on this configuration (2-core AVX-512 machine): 78.8% with seed 42, 77.5% to 78.3% with
 * seeds 1-3. With the seed's flip and zoom augmentation (this test turns it off, as --no-augment
 * does) 2 epochs reach about 73-75%, as Keras does on the same setting (71% and 76% for two seeds
 * with TF 2.16).
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { headOf } from '@mlpx/core/src/images/image-split.js';
import { validationSplit } from '@mlpx/train/src/training/batches.js';
import { evaluate } from '@mlpx/train/src/training/evaluate.js';
import { fit } from '@mlpx/train/src/fit/fit.js';
import { useBackend } from '../../helpers/backend.js';

useBackend('wasm');

describe('Fashion-MNIST accuracy', () => {
  it('MLP-Mixer (image 28, patch 4, embedding 64, 2 blocks) reaches 75% in 2 epochs on 5,000 images', async () => {
    const dataset = await loadDataset('fashion-mnist-sample', { limit: 5000 });
    const shape = { height: 28, width: 28, channels: 1 };
    randomSource.reseed(42);
    const model = buildClassifier(
      {
        model: 'mixer',
        inputHeight: 28,
        inputWidth: 28,
        inputChannels: 1,
        numClasses: 10,
        imageSize: 28,
        patchSize: 4,
        embeddingDim: 64,
        blocks: 2,
        dropout: 0.2,
        gelu: 'exact',
        augment: false,
      },
      channelStatistics(dataset.train.images, 1),
    );
    const result = await fit(model, validationSplit(dataset.train, shape, 0.1), shape, { epochs: 2, batchSize: 64, learningRate: 0.005, weightDecay: 1e-4 });
    const test = await evaluate(model, headOf(dataset.test, shape, 1000), shape, 256);
    console.log(
      `Fashion-MNIST, first 1000 test images: top-1 ${(test.accuracy * 100).toFixed(1)}%, top-5 ${(test.top5 * 100).toFixed(1)}%, ${result.imagesPerSec.toFixed(0)} images/s`,
    );
    expect(test.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(result.history[1]!.valAccuracy).toBeGreaterThan(0.7);
    model.dispose();
  }, 180_000);
});
