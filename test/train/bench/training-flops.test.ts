/** The matmul FLOPs of a training step, against each family's counts written out by hand for the seed configuration (test/families/). */
import { describe, expect, it } from 'vitest';
import { trainingFlopsPerImage } from '@mlpx/train/src/bench/training-flops.js';
import { modelFamilies } from '@mlpx/train/src/models/model-families.js';
import { familyCases, SEED_EMBEDDING_FLOPS as embedding, SEED_HEAD_FLOPS as head, SEED_SIZES as seed, seedTrainingFlops } from '../../families/family-cases.js';

describe('trainingFlopsPerImage', () => {
  for (const cases of familyCases()) {
    it(`counts ${cases.family} from its blocks' FLOPs worked out by hand (test/families/${cases.family}.ts)`, () => {
      expect(trainingFlopsPerImage({ model: cases.family, ...seed })).toBe(seedTrainingFlops(cases));
      expect(seedTrainingFlops(cases)).toBe(embedding + 4 * cases.seedBlockTrainingFlops + head);
    });
  }
});

describe('trainingFlopsPerImage over the registry', () => {
  it('counts every registered family from its own blockFlops, more than the embedding and head alone', () => {
    for (const family of modelFamilies()) {
      expect(trainingFlopsPerImage({ model: family.name, ...seed }), family.name).toBeGreaterThan(embedding + head);
    }
  });
  it('names the known families for an unknown model', () => {
    const known = modelFamilies()
      .map((f) => f.name)
      .join(', ');
    expect(() => trainingFlopsPerImage({ model: 'resnet', ...seed })).toThrow(`unknown model 'resnet': the model families are ${known}`);
  });
});
