/**
 * One `mlpx train` run end to end: backend, data, model, training with a checkpoint after every
 * epoch, test evaluation, and the run folder (model.json + weights.bin, metrics.json,
 * labels.json, curves.svg, history.csv). resumeRun continues an interrupted run from its checkpoint. The CLI is
 * a thin layer over these functions; other programs can call them too.
 */
import * as tf from '@tensorflow/tfjs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpxError, packageVersion, reportedTopK, writeFileAtomic } from '@mlpx/core';
import { selectBackend, type SelectedBackend } from '../backends/select-backend.js';
import { autoThreads, checkDataParallelBackend } from '../parallel/data-parallel-step.js';
import { CHECKPOINT_JSON, readCheckpoint, removeStaleCheckpointFiles, resumePoint, writeCheckpoint, type Checkpoint } from '../checkpoint/checkpoint-files.js';
import type { ImageDataset, LoadDatasetOptions } from '../data/dataset.js';
import { loadDataset } from '../data/load-dataset.js';
import { withLocalCopyHint } from './dataset-download-hint.js';
import { channelStatistics } from '../layers/normalization.js';
import { randomSource } from '../layers/random-source.js';
import { buildClassifier } from '../models/build-classifier.js';
import { checkArchitecture, checkModelConfig, type ModelConfig } from '../models/model-config.js';
import { withFamilyOptions } from '../models/family-options.js';
import { validationSplit } from '../training/batches.js';
import { evaluate } from '../training/evaluate.js';
import { fit, TrainingStopped, type TrainingObserver } from '../fit/fit.js';
import { TrainingDiverged } from '../training/step-metrics.js';
import { curvesSvg } from './curves-svg.js';
import { HISTORY_CSV, historyCsv } from './history-csv.js';
import { saveModel } from './model-files.js';
import { SEED_RECIPE, type TrainSettings } from '../training/recipe.js';
import { checkRunFolderFree, createRunFolder, defaultRunFolder, markLatest } from './run-folder.js';
import { CURVES_SVG, LABELS_JSON, METRICS_JSON, type RunMetrics } from './run-metrics.js';

export interface TrainRunHooks extends TrainingObserver {
  onBackend?(backend: SelectedBackend): void;
  onDataset?(dataset: ImageDataset): void;
  onDownloadProgress?: LoadDatasetOptions['onDownloadProgress'];
  /** Polled after every step; when true, the run checkpoints and stops (RunStopped). */
  stopRequested?(): boolean;
}

export interface TrainRunResult {
  readonly folder: string;
  readonly metrics: RunMetrics;
}

/** The run stopped on request; its checkpoint is in `folder`. */
export class RunStopped extends MlpxError {
  constructor(
    readonly folder: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(
      `training stopped ${step > 0 ? `at epoch ${epoch}, step ${step}` : `before epoch ${epoch}`}; the checkpoint is in ${folder}. Resume with: mlpx train --resume ${folder}`,
    );
  }
}

const MLPX_VERSION = packageVersion(import.meta.url);

function asSettingsError(check: () => void): void {
  try {
    check();
  } catch (error) {
    throw new MlpxError(`invalid model settings: ${(error as Error).message}`);
  }
}

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

/** The backend selected and the dataset loaded for a run. */
interface PreparedData {
  readonly dataset: ImageDataset;
  readonly backend: SelectedBackend;
}

/** A run ready to train: its settings, folder and hooks, what prepare made, and when it started (performance.now()). */
interface RunToTrain {
  readonly settings: TrainSettings;
  readonly folder: string;
  readonly hooks: TrainRunHooks;
  readonly prepared: PreparedData;
  /** The checkpoint a resumed run continues from. */
  readonly checkpoint?: Checkpoint;
  readonly started: number;
}

async function prepare(settings: TrainSettings, hooks: TrainRunHooks): Promise<PreparedData> {
  const backend = await selectBackend(settings.backend);
  hooks.onBackend?.(backend);
  checkDataParallelBackend(backend.name, settings.threads ?? 1);
  const dataset = await withLocalCopyHint(settings.dataset, settings.dataFile, () =>
    loadDataset(settings.dataset, {
      limit: settings.limit,
      dataFile: settings.dataFile,
      dataDir: settings.dataDir,
      folderImageSize: settings.folderImageSize,
      // A folder: dataset's split depends on the seed: the run's own, so a resumed run gets the same one.
      seed: settings.seed,
      onDownloadProgress: hooks.onDownloadProgress,
      onInfo: hooks.onInfo,
    }),
  );
  hooks.onDataset?.(dataset);
  return { dataset, backend };
}

async function namedWeights(model: tf.LayersModel): Promise<Checkpoint['weights']> {
  const values = await Promise.all(model.weights.map(async (w) => ((await w.read().data()) as Float32Array).slice()));
  return new Map(model.weights.map((w, i) => [w.originalName, { values: values[i]!, shape: w.shape as number[] }]));
}

function restoreWeights(model: tf.LayersModel, weights: Checkpoint['weights'], folder: string): void {
  for (const weight of model.weights) {
    const saved = weights.get(weight.originalName);
    if (!saved || saved.values.length !== weight.read().size) {
      throw new MlpxError(`the checkpoint in ${folder} does not fit the model: weight ${weight.originalName} is ${saved ? 'of another size' : 'missing'}`);
    }
    tf.tidy(() => {
      weight.write(tf.tensor(saved.values, weight.shape as number[]));
    });
  }
}

async function train(run: RunToTrain): Promise<TrainRunResult> {
  const { settings, folder, hooks, checkpoint, started } = run;
  const { dataset, backend } = run.prepared;
  const config = modelConfigFor(settings, dataset);
  const threads = settings.threads ?? autoThreads(backend.name, settings.batchSize);
  if (threads > 1) hooks.onInfo?.(`training on ${threads} threads (data-parallel, each with its own ${backend.name} backend)`);
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  randomSource.reseed(settings.seed);
  // As the seed: statistics adapted on all training images, then Keras' validation_split.
  const model = buildClassifier(config, channelStatistics(dataset.train.images, dataset.channels));
  try {
    if (checkpoint) restoreWeights(model, checkpoint.weights, folder);
    else await createRunFolder(folder);
    const split = validationSplit(dataset.train, shape, settings.validationSplit);
    let result;
    try {
      result = await fit(model, split, shape, {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        weightDecay: settings.weightDecay,
        lrFactor: SEED_RECIPE.lrFactor,
        lrPatience: SEED_RECIPE.lrPatience,
        earlyStoppingPatience: SEED_RECIPE.earlyStoppingPatience,
        observer: hooks,
        threads,
        ...(checkpoint ? { resume: checkpoint.state } : {}),
        ...(hooks.stopRequested ? { stopRequested: () => hooks.stopRequested!() } : {}),
        onCheckpoint: async (state) => {
          await writeCheckpoint(folder, { settings, modelConfig: config, weights: await namedWeights(model), state, createdAt: new Date().toISOString() });
          await writeFileAtomic(join(folder, HISTORY_CSV), historyCsv(state.history, reportedTopK(dataset.classNames.length)));
        },
      });
    } catch (error) {
      if (error instanceof TrainingStopped) throw new RunStopped(folder, error.epoch, error.step);
      if (error instanceof TrainingDiverged) {
        const checkpointed = (await stat(join(folder, CHECKPOINT_JSON)).catch(() => undefined)) !== undefined;
        throw error.inRun(checkpointed ? folder : undefined);
      }
      throw error;
    }
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
      backend: { name: backend.name, description: backend.description, threads },
      history: result.history,
      stoppedEarly: result.stoppedEarly,
      savedWeightsEpoch: result.finalWeightsEpoch,
      test: { dataset: dataset.name, split: 'test', firstIndex: 0, images: dataset.test.count, ...test },
      imagesPerSec: result.imagesPerSec,
      wallSeconds: (performance.now() - started) / 1000,
    };
    await saveModel(model, folder);
    await writeFileAtomic(join(folder, LABELS_JSON), `${JSON.stringify(dataset.classNames, null, 2)}\n`);
    const topK = reportedTopK(dataset.classNames.length);
    await writeFileAtomic(join(folder, CURVES_SVG), curvesSvg(result.history, `${settings.model} on ${dataset.name}`, topK));
    // Again at the end: an early stop ends fit before the last epoch's checkpoint.
    await writeFileAtomic(join(folder, HISTORY_CSV), historyCsv(result.history, topK));
    await writeFileAtomic(join(folder, METRICS_JSON), `${JSON.stringify(metrics, null, 2)}\n`); // written last: the run is finished
    await markLatest(folder);
    return { folder, metrics };
  } finally {
    model.dispose();
  }
}

export async function trainRun(given: TrainSettings, hooks: TrainRunHooks = {}, out?: string): Promise<TrainRunResult> {
  const started = performance.now();
  asSettingsError(() => checkArchitecture(given.architecture, given.model));
  // The family's own options (FNet's position table) written into the settings, defaults and all:
  // a checkpoint without one is from before the option existed (checkpoint-files.ts).
  const settings: TrainSettings = { ...given, architecture: withFamilyOptions(given.model, given.architecture) };
  const folder = out ?? defaultRunFolder(settings.model, settings.dataset);
  await checkRunFolderFree(folder);
  return train({ settings, folder, hooks, prepared: await prepare(settings, hooks), started });
}

/**
 * Continues an interrupted run from the checkpoint in `folder`, with the settings it started with
 * (threads may change: they do not change what is computed).
 */
export async function resumeRun(folder: string, hooks: TrainRunHooks = {}, overrides: Pick<TrainSettings, 'threads'> = {}): Promise<TrainRunResult> {
  const started = performance.now();
  if (await stat(join(folder, METRICS_JSON)).catch(() => undefined))
    throw new MlpxError(`${folder} is a finished run (it has ${METRICS_JSON}): nothing to resume`);
  const checkpoint = await readCheckpoint(folder);
  await removeStaleCheckpointFiles(folder, checkpoint.binary!);
  hooks.onInfo?.(`resuming ${folder} ${resumePoint(checkpoint)}`);
  const settings: TrainSettings = { ...checkpoint.settings, ...overrides };
  return train({ settings, folder, hooks, prepared: await prepare(settings, hooks), checkpoint, started });
}
