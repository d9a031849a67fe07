/**
 * The seed's training recipe (docs/seed.md, "Training"), and the settings a train run records.
 */
import type { BackendChoice } from '../backend-api/backend-choices.js';
import { BUILT_IN_FAMILIES, type BuiltInModelName } from '../models/families/index.js';
import type { Architecture, ModelName } from '../models/model-config.js';

/** Learning rates the seed used per model: each built-in family's learningRate (models/families/). */
export const SEED_LEARNING_RATES: Readonly<Record<BuiltInModelName, number>> = Object.fromEntries(
  BUILT_IN_FAMILIES.map((family) => [family.name, family.learningRate]),
) as Record<BuiltInModelName, number>;

export const SEED_RECIPE = {
  epochs: 50,
  batchSize: 128,
  weightDecay: 1e-4,
  validationSplit: 0.1,
  lrFactor: 0.5,
  lrPatience: 5,
  earlyStoppingPatience: 10,
  seed: 42,
} as const;

export interface TrainSettings {
  readonly dataset: string;
  readonly model: ModelName;
  readonly architecture: Architecture;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly validationSplit: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  /** Train on the first `limit` training images (a folder: dataset: each class's share), test on the first min(limit, test size). */
  readonly limit?: number;
  readonly dataFile?: string;
  readonly dataDir?: string;
  /** Square side folder: images are resized to. */
  readonly folderImageSize?: number;
  /** Threads per training step (data-parallel on wasm and cpu); default: autoThreads. */
  readonly threads?: number;
}
