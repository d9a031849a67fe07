/**
 * One `mlpx train` run end to end: backend, data, model, training, test evaluation, and the run
 * folder (model.json + weights.bin, metrics.json, labels.json, curves.svg). The CLI is a thin
 * layer over this function; other programs can call it too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend, type SelectedBackend } from '../backend/select-backend.js';
import type { ImageDataset, LoadDatasetOptions } from '../data/dataset.js';
import { loadDataset } from '../data/load-dataset.js';
import { MlpxError } from '../errors.js';
import { channelStatistics } from '../layers/normalization.js';
import { randomSource } from '../layers/random-source.js';
import { buildClassifier } from '../models/build-classifier.js';
import { checkArchitecture, checkModelConfig, type ModelConfig } from '../models/model-config.js';
import { validationSplit } from '../training/batches.js';
import { evaluate } from '../training/evaluate.js';
import { fit, type TrainingObserver } from '../training/fit.js';
import { writeFileAtomic } from './atomic-write.js';
import { curvesSvg } from './curves-svg.js';
import { saveModel } from './model-files.js';
import type { TrainSettings } from './recipe.js';
import { SEED_RECIPE } from './recipe.js';
import { checkRunFolderFree, createStaging, defaultRunFolder, discardStaging, publishRun } from './run-folder.js';
import { CURVES_SVG, LABELS_JSON, METRICS_JSON, type RunMetrics } from './run-metrics.js';

export interface TrainRunHooks extends TrainingObserver {
  onBackend?(backend: SelectedBackend): void;
  onDataset?(dataset: ImageDataset): void;
  onDownloadProgress?: LoadDatasetOptions['onDownloadProgress'];
}

export interface TrainRunResult {
  readonly folder: string;
  readonly metrics: RunMetrics;
}

const MLPX_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function modelConfigFor(settings: TrainSettings, dataset: ImageDataset): ModelConfig {
  const config: ModelConfig = {
    model: settings.model,
    inputHeight: dataset.height,
    inputWidth: dataset.width,
    inputChannels: dataset.channels,
    numClasses: dataset.classNames.length,
    ...settings.architecture,
  };
  asSettingsError(() => checkModelConfig(config));
  return config;
}

function asSettingsError(check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new MlpxError(`invalid model settings: ${(error as Error).message}`);
  }
}

export async function trainRun(settings: TrainSettings, hooks: TrainRunHooks = {}, out?: string): Promise<TrainRunResult> {
  const started = performance.now();
  asSettingsError(() => checkArchitecture(settings.architecture));
  const folder = out ?? defaultRunFolder(settings.model, settings.dataset);
  await checkRunFolderFree(folder);
  const backend = await selectBackend(settings.backend);
  hooks.onBackend?.(backend);
  const dataset = await loadDataset(settings.dataset, {
    limit: settings.limit,
    dataFile: settings.dataFile,
    dataDir: settings.dataDir,
    folderImageSize: settings.folderImageSize,
    onDownloadProgress: hooks.onDownloadProgress,
    onInfo: hooks.onInfo,
  });
  hooks.onDataset?.(dataset);
  const config = modelConfigFor(settings, dataset);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };

  randomSource.reseed(settings.seed);
  // As the seed: statistics adapted on all training images, then Keras' validation_split.
  const model = buildClassifier(config, channelStatistics(dataset.train.images, dataset.channels));
  try {
    const split = validationSplit(dataset.train, shape, settings.validationSplit);
    const result = await fit(model, split, shape, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      weightDecay: settings.weightDecay,
      lrFactor: SEED_RECIPE.lrFactor,
      lrPatience: SEED_RECIPE.lrPatience,
      earlyStoppingPatience: SEED_RECIPE.earlyStoppingPatience,
      observer: hooks,
    });
    const test = await evaluate(model, dataset.test, shape, settings.batchSize);
    const metrics: RunMetrics = {
      mlpxVersion: MLPX_VERSION,
      createdAt: new Date().toISOString(),
      settings,
      modelConfig: config,
      parameters: model.countParams(),
      dataset: {
        name: dataset.name,
        source: dataset.source,
        inputShape: [dataset.height, dataset.width, dataset.channels],
        numClasses: dataset.classNames.length,
        trainImages: split.train.count,
        validationImages: split.validation.count,
      },
      backend: { name: backend.name, description: backend.description },
      history: result.history,
      stoppedEarly: result.stoppedEarly,
      savedWeightsEpoch: result.finalWeightsEpoch,
      test: { dataset: dataset.name, split: 'test', firstIndex: 0, images: dataset.test.count, ...test },
      imagesPerSec: result.imagesPerSec,
      wallSeconds: (performance.now() - started) / 1000,
    };
    const staging = await createStaging(folder);
    try {
      await saveModel(model, staging);
      await writeFileAtomic(join(staging, LABELS_JSON), `${JSON.stringify(dataset.classNames, null, 2)}\n`);
      await writeFileAtomic(join(staging, CURVES_SVG), curvesSvg(result.history, `${settings.model} on ${dataset.name}`));
      await writeFileAtomic(join(staging, METRICS_JSON), `${JSON.stringify(metrics, null, 2)}\n`);
      await publishRun(staging, folder);
    } catch (error) {
      await discardStaging(staging);
      throw error;
    }
    return { folder, metrics };
  } finally {
    model.dispose();
  }
}
