/**
 * FNet's position table, FNet's own option (familyOptions.positionTable): frozen by default as in
 * the seed (a fixed random constant, saved with the model, never seen by the optimizer), trained on
 * request, and 'trained' for runs saved before the setting existed (a layer config or checkpoint
 * without the field); a checkpoint that recorded it beside the sizes, before familyOptions, reads
 * back with it in familyOptions, and a config that gives it there still works, with a warning.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import { channelStatistics } from '@mlpx/train/src/layers/normalization.js';
import { PatchPositionEmbedding, type PositionTable } from '@mlpx/train/src/layers/patch-position-embedding.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import { familyOptionValues } from '@mlpx/train/src/models/family-options.js';
import { checkModelConfig, type ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies } from '@mlpx/train/src/models/model-families.js';
import { saveModel, loadModel } from '@mlpx/train/src/run/model-files.js';
import { parseRunMetrics, type RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import type { TrainSettings } from '@mlpx/train/src/training/recipe.js';
import { AdamW } from '@mlpx/train/src/training/adamw.js';
import { trainStep } from '@mlpx/train/src/training/train-step.js';
import type { FitState } from '@mlpx/train/src/fit/fit.js';
import { useBackend } from '../../helpers/backend.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

useBackend('wasm');

const TABLE = 'position_embedding/embeddings';

/** A small FNet classifier's configuration, without its own options. */
const FNET_CONFIG: ModelConfig = {
  model: 'fnet',
  inputHeight: 8,
  inputWidth: 8,
  inputChannels: 3,
  numClasses: 4,
  imageSize: 8,
  patchSize: 4,
  embeddingDim: 8,
  blocks: 1,
  dropout: 0.1,
  gelu: 'exact',
};

function fnet(positionTable?: PositionTable): tf.LayersModel {
  const config: ModelConfig = { ...FNET_CONFIG, ...(positionTable ? { familyOptions: { positionTable } } : {}) };
  randomSource.reseed(5);
  return buildClassifier(
    config,
    channelStatistics(
      new Uint8Array(8 * 8 * 3).map((_, i) => (i * 37) % 256),
      3,
    ),
  );
}

function tableOf(model: tf.LayersModel): Float32Array {
  return model.weights
    .find((w) => w.originalName === TABLE)!
    .read()
    .dataSync() as Float32Array;
}

/** Three AdamW steps on random images, as fit takes them. */
function train(model: tf.LayersModel): void {
  const optimizer = new AdamW({ learningRate: 0.01, weightDecay: 1e-4 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let step = 0; step < 3; step++) {
    const images = tf.randomUniform([4, 8, 8, 3], 0, 255, 'float32', step) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    tf.dispose([trainStep(model, optimizer, variables, images, labels), images, labels]);
  }
  optimizer.dispose();
}

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe('FNet position table', () => {
  it('is frozen by default: saved with the model, not trainable, unchanged by training', () => {
    const model = fnet();
    expect(model.weights.map((w) => w.originalName)).toContain(TABLE);
    expect(model.trainableWeights.map((w) => w.originalName)).not.toContain(TABLE);
    const before = tableOf(model).slice();
    expect(before.every((v) => v >= -0.05 && v <= 0.05)).toBe(true);
    expect(new Set(before).size).toBe(before.length);
    train(model);
    expect(tableOf(model)).toEqual(before);
    model.dispose();
  });

  it("trains with positionTable 'trained', starting from the same table", () => {
    const frozen = fnet('frozen');
    const trained = fnet('trained');
    expect(trained.trainableWeights.map((w) => w.originalName)).toContain(TABLE);
    expect(tableOf(trained)).toEqual(tableOf(frozen));
    const before = tableOf(trained).slice();
    train(trained);
    const after = tableOf(trained);
    expect(after.filter((v, i) => v !== before[i]).length).toBe(after.length);
    frozen.dispose();
    trained.dispose();
  });

  it('keeps its mode through model.json, and reads a config without it as trained', async () => {
    for (const table of ['frozen', 'trained'] as const) {
      const model = fnet(table);
      const folder = `${work.path}/${table}`;
      await mkdir(folder);
      await saveModel(model, folder);
      const loaded = await loadModel(folder);
      const layer = loaded.getLayer('position_embedding') as PatchPositionEmbedding;
      expect(layer.table).toBe(table);
      expect(loaded.trainableWeights.some((w) => w.originalName === TABLE)).toBe(table === 'trained');
      expect(tableOf(loaded)).toEqual(tableOf(model));
      model.dispose();
      loaded.dispose();
    }
    // A run saved before the field existed: its model.json has no `table`.
    const modelJson = JSON.parse(await readFile(`${work.path}/frozen/model.json`, 'utf8')) as {
      modelTopology: { config: { layers: { name: string; config: Record<string, unknown> }[] } };
    };
    const layerJson = modelJson.modelTopology.config.layers.find((l) => l.name === 'position_embedding')!;
    expect(layerJson.config['table']).toBe('frozen');
    delete layerJson.config['table'];
    await writeFile(`${work.path}/frozen/model.json`, JSON.stringify(modelJson));
    const old = await loadModel(`${work.path}/frozen`);
    expect((old.getLayer('position_embedding') as PatchPositionEmbedding).table).toBe('trained');
    expect(old.trainableWeights.some((w) => w.originalName === TABLE)).toBe(true);
    old.dispose();
  });

  it('round-trips its config and does not leak tensors', () => {
    const layer = new PatchPositionEmbedding({ table: 'frozen' });
    expect(new PatchPositionEmbedding(layer.getConfig() as { table: PositionTable }).getConfig()).toEqual(layer.getConfig());
    layer.apply(tf.input({ shape: [4, 6] }));
    const x = tf.ones([2, 4, 6]);
    const count = tf.memory().numTensors;
    tf.dispose(layer.apply(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(count);
    x.dispose();
    expect(() => new PatchPositionEmbedding({ table: 'learned' as PositionTable })).toThrow(/frozen or trained/);
  });

  it('resumes an old FNet checkpoint (no positionTable) as trained, one from before familyOptions and a new one as recorded', async () => {
    const state: FitState = {
      epochsDone: 1,
      history: [],
      optimizer: { learningRate: 0.001, step: 1, m: [], v: [] },
      reduceLr: { best: null, wait: 0 },
      earlyStopping: { best: null, wait: 0, bestEpoch: -1 },
      random: { c: 1, s0: 0.1, s1: 0.2, s2: 0.3 },
      trainingSeconds: 1,
      trainedImages: 10,
    };
    const architecture = { imageSize: 8, patchSize: 4, embeddingDim: 8, blocks: 1, dropout: 0.1, gelu: 'exact' } as const;
    const write = async (name: string, model: TrainSettings['model'], recorded: object = {}): Promise<Checkpoint> => {
      const folder = `${work.path}/${name}`;
      await mkdir(folder);
      const settings = { dataset: 'fashion-mnist', model, architecture: { ...architecture, ...recorded } } as TrainSettings;
      await writeCheckpoint(folder, { settings, modelConfig: { model, ...settings.architecture } as ModelConfig, weights: new Map(), state, createdAt: '' });
      return readCheckpoint(folder);
    };
    const old = await write('old', 'fnet');
    expect(old.settings.architecture.familyOptions).toEqual({ positionTable: 'trained' });
    expect(old.modelConfig.familyOptions).toEqual({ positionTable: 'trained' });
    // Recorded beside the sizes, as checkpoints did before familyOptions.
    const beside = await write('beside', 'fnet', { positionTable: 'frozen' });
    for (const record of [beside.settings.architecture, beside.modelConfig]) {
      expect(record.familyOptions).toEqual({ positionTable: 'frozen' });
      expect(record).not.toHaveProperty('positionTable');
    }
    const recent = await write('new', 'fnet', { familyOptions: { positionTable: 'frozen' } });
    expect(recent.settings.architecture.familyOptions).toEqual({ positionTable: 'frozen' });
    expect(recent.modelConfig.familyOptions).toEqual({ positionTable: 'frozen' });
    const mixer = await write('mixer', 'mixer');
    expect(mixer.settings.architecture).toEqual(architecture);
    expect(mixer.modelConfig).toEqual({ model: 'mixer', ...architecture });
  });

  it("reads a run's metrics.json the same way: from before the option, from before familyOptions, and today's", () => {
    const metricsWith = (recorded: object): RunMetrics => {
      const architecture = { imageSize: 8, patchSize: 4, ...recorded };
      const metrics = {
        modelConfig: { model: 'fnet', ...architecture },
        dataset: { name: 'fashion-mnist', inputShape: [28, 28, 1], numClasses: 10 },
        test: { dataset: 'fashion-mnist', images: 10, accuracy: 0.5, top5: 0.8 },
        history: [],
        settings: { model: 'fnet', architecture },
        backend: {},
      };
      return parseRunMetrics(JSON.stringify(metrics), 'metrics.json');
    };
    const cases: [object, string][] = [
      [{}, 'trained'],
      [{ positionTable: 'frozen' }, 'frozen'],
      [{ familyOptions: { positionTable: 'frozen' } }, 'frozen'],
    ];
    for (const [recorded, table] of cases) {
      const metrics = metricsWith(recorded);
      expect(metrics.settings.architecture).toEqual({ imageSize: 8, patchSize: 4, familyOptions: { positionTable: table } });
      expect(metrics.modelConfig).toEqual({ model: 'fnet', imageSize: 8, patchSize: 4, familyOptions: { positionTable: table } });
    }
  });

  it('is checked as FNet declares it, and refused for a family without it', () => {
    const base = { model: 'fnet', inputHeight: 8, inputWidth: 8, inputChannels: 3, numClasses: 4, imageSize: 8, patchSize: 4, embeddingDim: 8, blocks: 1 };
    const config = { ...base, dropout: 0.1, gelu: 'exact' } as const;
    expect(() => checkModelConfig({ ...config, familyOptions: { positionTable: 'learned' } })).toThrow('position table must be frozen or trained, got learned');
    // A family without options of its own (the registry's first such).
    const other = modelFamilies().find((family) => family.options === undefined)!.name;
    expect(() => checkModelConfig({ ...config, model: other, familyOptions: { positionTable: 'trained' } })).toThrow(
      `model ${other} has no option positionTable`,
    );
    expect(() => checkModelConfig({ ...config, familyOptions: { tables: 'trained' } })).toThrow('model fnet has no option tables (its options: positionTable)');
    expect(familyOptionValues('fnet', config)).toEqual({ positionTable: 'frozen' });
    expect(familyOptionValues(other, config)).toEqual({});
  });

  it('still works given beside the sizes (the deprecated ModelConfig.positionTable), with one warning', async () => {
    const warnings: { code?: string; message: string }[] = [];
    const listen = (warning: Error & { code?: string }): void => {
      warnings.push({ code: warning.code, message: warning.message });
    };
    process.on('warning', listen);
    try {
      const config: ModelConfig = {
        ...FNET_CONFIG,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old place under test
        positionTable: 'trained',
      };
      for (let i = 0; i < 2; i++) {
        const model = buildClassifier(config, { mean: new Float32Array(3), variance: new Float32Array(3).fill(1) });
        expect((model.getLayer('position_embedding') as PatchPositionEmbedding).table).toBe('trained');
        model.dispose();
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings).toEqual([
      { code: 'MLPX_DEP006', message: 'positionTable in a model config or architecture is deprecated: use familyOptions: { positionTable }' },
    ]);
  });
});
