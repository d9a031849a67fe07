/**
 * @mlpx/train: attention-free MLP image classifiers (its model families, models/families/) as
 * TensorFlow.js layers, their datasets, and training.
 * Importing this package registers the custom layer classes, so tf.loadLayersModel (or
 * loadModel below) can read a saved run, and nothing in tfjs's kernel or gradient registries: the
 * backends' forms of mlpx's ops are registered when selectBackend selects a backend or
 * buildClassifier or loadModel makes a model (docs/backends.md). Errors, image decoding and the other shared parts are in
 * @mlpx/core. What the mlpx command's setup, doctor and bench use is in @mlpx/train/tooling
 * (./tooling.ts), outside the stable API.
 */

// Layers and models.
export * from './layers/index.js';
export { buildClassifier } from './models/build-classifier.js';
export {
  checkArchitecture,
  checkModelConfig,
  isModelName,
  MODEL_NAMES,
  SEED_ARCHITECTURE,
  type Architecture,
  type FamilyOptionValues,
  type ModelConfig,
  type ModelName,
} from './models/model-config.js';
export { isModelFamily, modelFamilies, modelFamily, modelFamilyNames, registerModelFamily } from './models/model-families.js';
export type { BlockFlops, BlockSettings, FamilyOption, ModelFamily, ModelFamilyFacts, PlainBlockSizes } from './models/model-family.js';
export { familyOptionValues } from './models/family-options.js';
export { BUILT_IN_FAMILIES, type BuiltInModelName } from './models/families/index.js';
export { denseFlops } from './models/block-flops.js';

// Data.
export type { DownloadProgress, ImageDataset, ImageSplit, LoadDatasetOptions } from './data/dataset.js';
export { DATASET_SPECS, loadDataset, type LoadDatasetRequest } from './data/load-dataset.js';

// Backends.
export {
  BACKEND_CHOICES,
  NoBackendError,
  selectBackend,
  type BackendChoice,
  type SelectBackendOptions,
  type SelectedBackend,
} from './backends/select-backend.js';

// Training.
export { fit, TrainingStopped, type EpochLogs, type FitOptions, type FitResult, type FitState, type StepLogs, type TrainingObserver } from './fit/fit.js';
export { evaluate } from './training/evaluate.js';
export { TrainingDiverged } from './training/step-metrics.js';
export type { Scores } from './training/metrics.js';

// Runs: the run folder and its files.
export { resumeRun, RunStopped, trainRun, type TrainRunHooks, type TrainRunResult } from './run/train-run.js';
export { CHECKPOINT_JSON, readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint/checkpoint-files.js';
export { SEED_LEARNING_RATES, SEED_RECIPE, type TrainSettings } from './training/recipe.js';
export { CURVES_SVG, LABELS_JSON, METRICS_JSON, parseLabels, parseRunMetrics, type RunMetrics } from './run/run-metrics.js';
export { defaultRunFolder, LATEST, RUNS_ROOT } from './run/run-folder.js';
export { loadModel, MODEL_JSON, saveModel, WEIGHTS_BIN } from './run/model-files.js';
