/**
 * The registry of model families: the built-in ones, the one list the Python tooling reads
 * (packages/train/model-families.json) agreeing with them, and what it refuses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_FAMILIES } from '@mlpx/train/src/models/families/index.js';
import { checkModelConfig, isModelName, MODEL_NAMES, type ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies, modelFamily, registerModelFamily } from '@mlpx/train/src/models/model-families.js';
import type { ModelFamily } from '@mlpx/train/src/models/model-family.js';
import { SEED_LEARNING_RATES } from '@mlpx/train/src/training/recipe.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const train = (path: string): string => readFileSync(join(REPO_ROOT, 'packages', 'train', path), 'utf8');

interface FamilyFacts {
  name: string;
  displayName: string;
  learningRate: number;
  positionEmbedding: boolean;
  kerasBlock?: string;
}

describe('model families', () => {
  it("are MLP-Mixer, FNet and gMLP, with the seed's learning rates; only FNet has the position embedding", () => {
    expect(MODEL_NAMES).toEqual(['mixer', 'fnet', 'gmlp']);
    expect(modelFamilies().map((f) => f.name)).toEqual(MODEL_NAMES);
    expect(SEED_LEARNING_RATES).toEqual({ mixer: 0.005, fnet: 0.001, gmlp: 0.003 });
    expect(
      modelFamilies()
        .filter((f) => f.positionEmbedding)
        .map((f) => f.name),
    ).toEqual(['fnet']);
  });

  it('agree with model-families.json, the list the Python tooling reads', () => {
    const json = JSON.parse(train('model-families.json')) as { families: FamilyFacts[] };
    const facts = BUILT_IN_FAMILIES.map(({ name, displayName, learningRate, positionEmbedding, kerasBlock }) => ({
      name,
      displayName,
      learningRate,
      positionEmbedding,
      kerasBlock,
    }));
    expect(json.families).toEqual(facts);
  });

  it('name Keras block classes that python/seed_layers.py defines and builds', () => {
    const python = train('python/seed_layers.py');
    for (const family of BUILT_IN_FAMILIES) {
      expect(python, family.kerasBlock).toContain(`class ${family.kerasBlock}(layers.Layer):`);
      expect(python, family.kerasBlock).toContain(`"${family.kerasBlock}": lambda`);
    }
  });

  it('ship model-families.json with @mlpx/train', () => {
    expect((JSON.parse(train('package.json')) as { files: string[] }).files).toContain('model-families.json');
  });

  it('name the known families for an unknown model, in lookups and in checkModelConfig', () => {
    expect(isModelName('gmlp')).toBe(true);
    expect(isModelName('resnet')).toBe(false);
    expect(() => modelFamily('resnet')).toThrow(/^unknown model 'resnet': the model families are mixer, fnet, gmlp$/);
    const config: ModelConfig = {
      model: 'resnet',
      inputHeight: 8,
      inputWidth: 8,
      inputChannels: 1,
      numClasses: 2,
      imageSize: 8,
      patchSize: 4,
      embeddingDim: 8,
      blocks: 1,
      dropout: 0,
      gelu: 'exact',
    };
    expect(() => checkModelConfig(config)).toThrow(/unknown model 'resnet'/);
  });

  it('refuses a name already taken, and a name that cannot prefix layer names', () => {
    const like = (name: string): ModelFamily => ({ ...modelFamily('mixer'), name });
    expect(() => registerModelFamily(like('gmlp'))).toThrow(/model family 'gmlp' is already registered/);
    expect(() => registerModelFamily(like('My Family'))).toThrow(/model family name 'My Family' must be lower-case letters and digits/);
    expect(modelFamilies()).toHaveLength(3);
  });
});
