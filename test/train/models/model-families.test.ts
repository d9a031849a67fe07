/**
 * The registry of model families: the built-in ones with their own test cases (test/families/),
 * the facts the Python tooling reads (written by the build from the entries), and what it refuses.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_FAMILIES } from '@mlpx/train/src/models/families/index.js';
import { checkModelConfig, isModelName, MODEL_NAMES, type ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies, modelFamily, registerModelFamily } from '@mlpx/train/src/models/model-families.js';
import type { ModelFamily } from '@mlpx/train/src/models/model-family.js';
import { SEED_LEARNING_RATES } from '@mlpx/train/src/training/recipe.js';
import { expectFacts, familyCases } from '../../families/family-cases.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const run = promisify(execFile);
const train = (path: string): string => readFileSync(join(REPO_ROOT, 'packages', 'train', path), 'utf8');

interface FamilyFacts {
  name: string;
  displayName: string;
  learningRate: number;
  positionEmbedding: boolean;
  kerasBlock?: string;
}

describe('model families', () => {
  it("are the registry's, each with its own test cases and the learning rate and position embedding they give", () => {
    expect(modelFamilies().map((f) => f.name)).toEqual(MODEL_NAMES);
    expect(BUILT_IN_FAMILIES.map((f) => f.name)).toEqual(MODEL_NAMES);
    for (const cases of familyCases()) {
      expectFacts(cases);
      expect((SEED_LEARNING_RATES as Record<string, number>)[cases.family], cases.family).toBe(cases.learningRate);
    }
  });

  it('reach the Python tooling as the build wrote them from the entries (dist/model-families.json, read by python/model_families.py)', async () => {
    const { stdout } = await run('python3', ['-c', 'import json, model_families; print(json.dumps(list(model_families.FAMILIES.values())))'], {
      cwd: join(REPO_ROOT, 'packages', 'train', 'python'),
    });
    const facts: FamilyFacts[] = BUILT_IN_FAMILIES.map(({ name, displayName, learningRate, positionEmbedding, kerasBlock }) => ({
      name,
      displayName,
      learningRate,
      positionEmbedding,
      ...(kerasBlock === undefined ? {} : { kerasBlock }),
    }));
    expect(JSON.parse(stdout), 'dist/model-families.json as `npm run build` writes it from the entries (tsc -b alone does not)').toEqual(facts);
  });

  it('name Keras block classes that python/seed_layers.py defines, each built from the sizes every block is given', () => {
    const python = train('python/seed_layers.py');
    for (const family of BUILT_IN_FAMILIES) {
      const start = python.indexOf(`class ${family.kerasBlock}(layers.Layer):`);
      expect(start, family.kerasBlock).toBeGreaterThan(0);
      const body = python.slice(start, python.indexOf('\nclass ', start + 1) >>> 0);
      expect(body, family.kerasBlock).toContain('def from_sizes(cls, num_patches, embedding_dim, gelu, dropout_rate=None):');
    }
  });

  it('ship the facts with @mlpx/train: the build writes them into dist/, which the package holds', () => {
    const manifest = JSON.parse(train('package.json')) as { files: string[]; scripts: Record<string, string> };
    expect(manifest.files).toContain('dist');
    expect(manifest.scripts['prepack']).toContain('scripts/write-model-families.mjs');
  });

  it('name the known families for an unknown model, in lookups and in checkModelConfig', () => {
    expect(MODEL_NAMES.every(isModelName)).toBe(true);
    expect(isModelName('resnet')).toBe(false);
    expect(() => modelFamily('resnet')).toThrow(`unknown model 'resnet': the model families are ${MODEL_NAMES.join(', ')}`);
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
    const [first, last] = [MODEL_NAMES[0]!, MODEL_NAMES[MODEL_NAMES.length - 1]!];
    const like = (name: string): ModelFamily => ({ ...modelFamily(first), name });
    expect(() => registerModelFamily(like(last))).toThrow(`model family '${last}' is already registered`);
    expect(() => registerModelFamily(like('My Family'))).toThrow(/model family name 'My Family' must be lower-case letters and digits/);
    expect(modelFamilies()).toHaveLength(MODEL_NAMES.length);
  });
});
