/** The matmul FLOPs of a training step, against counts written out by hand for the seed configuration. */
import { describe, expect, it } from 'vitest';
import { trainingFlopsPerImage } from '@mlpx/train/src/bench/training-flops.js';
import { SEED_ARCHITECTURE } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies } from '@mlpx/train/src/models/model-families.js';

const seed = { inputChannels: 3, numClasses: 100, ...SEED_ARCHITECTURE };
// 64 patches of 8x8x3 = 192 features, embedding 256, 4 blocks, 100 classes.
const embedding = 2 * (2 * 64 * 192 * 256); // forward and dW, no dx
const head = 3 * (2 * 256 * 100);

describe('trainingFlopsPerImage', () => {
  it('counts MLP-Mixer: token MLP 64 -> 64 -> 64 over 256 channels, channel MLP 256 -> 64 -> 256 over 64 patches, x3', () => {
    const block = 3 * (2 * (2 * 256 * 64 * 64) + 2 * (2 * 64 * 256 * 64));
    expect(trainingFlopsPerImage({ model: 'mixer', ...seed })).toBe(embedding + 4 * block + head);
    expect(embedding + 4 * block + head).toBe(113_399_808);
  });
  it('counts FNet: the DFT twice (its gradient is itself), the feed-forward three times', () => {
    const dft = 2 * 64 * 256 * 512 + 2 * 64 * 128 * 256;
    const block = 2 * dft + 3 * 2 * (2 * 64 * 256 * 256);
    expect(trainingFlopsPerImage({ model: 'fnet', ...seed })).toBe(embedding + 4 * block + head);
  });
  it('counts gMLP: 256 -> 512, spatial 64 -> 64 over 256 channels, 256 -> 256, x3', () => {
    const block = 3 * (2 * 64 * 256 * 512 + 2 * 256 * 64 * 64 + 2 * 64 * 256 * 256);
    expect(trainingFlopsPerImage({ model: 'gmlp', ...seed })).toBe(embedding + 4 * block + head);
  });
});

describe('trainingFlopsPerImage over the registry', () => {
  it('counts every registered family from its own blockFlops, more than the embedding and head alone', () => {
    for (const family of modelFamilies()) {
      expect(trainingFlopsPerImage({ model: family.name, ...seed }), family.name).toBeGreaterThan(embedding + head);
    }
  });
  it('names the known families for an unknown model', () => {
    expect(() => trainingFlopsPerImage({ model: 'resnet', ...seed })).toThrow(/unknown model 'resnet': the model families are mixer, fnet, gmlp/);
  });
});
