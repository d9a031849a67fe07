/**
 * What defines a classifier: the architecture, its sizes, and the input it takes. Defaults are
 * the seed's (docs/seed.md): image 64, patch 8, embedding 256, 4 blocks, dropout 0.2, exact GELU.
 */
import type { GeluApproximation } from '../layers/ops/gelu.js';
import { isPositionTable, POSITION_TABLES, type PositionTable } from '../layers/patch-position-embedding.js';
import { BUILT_IN_FAMILIES, type BuiltInModelName } from './families/index.js';
import { isModelFamily, modelFamily } from './model-family.js';

/** The families mlpx ships: 'mixer', 'fnet', 'gmlp' (model-family.ts; registerModelFamily adds others). */
export const MODEL_NAMES: readonly BuiltInModelName[] = BUILT_IN_FAMILIES.map((family) => family.name);

/** The name of a registered model family (models/model-family.ts): one of MODEL_NAMES, or one a user registered. */
export type ModelName = string;

export interface ModelConfig {
  readonly model: ModelName;
  /** The dataset's native image size, which is the model's input: raw 0-255 pixels, NHWC. */
  readonly inputHeight: number;
  readonly inputWidth: number;
  readonly inputChannels: number;
  readonly numClasses: number;
  /** Images are resized to imageSize x imageSize inside the model. */
  readonly imageSize: number;
  readonly patchSize: number;
  readonly embeddingDim: number;
  readonly blocks: number;
  readonly dropout: number;
  readonly gelu: GeluApproximation;
  /** Training-time augmentation (the seed's RandomFlip + RandomZoom); true by default. */
  readonly augment?: boolean;
  /**
   * FNet's position table: 'frozen' (the seed's fixed random constant) by default, or 'trained'.
   * Runs saved before the setting existed trained it (see checkpoint-files.ts).
   */
  readonly positionTable?: PositionTable;
}

export const SEED_ARCHITECTURE = {
  imageSize: 64,
  patchSize: 8,
  embeddingDim: 256,
  blocks: 4,
  dropout: 0.2,
  gelu: 'exact',
} as const satisfies Partial<ModelConfig>;

/** Zoom factor of the seed's RandomZoom (height and width). */
export const ZOOM_FACTOR = 0.2;

/** Whether a family of that name is registered. */
export function isModelName(name: string): name is ModelName {
  return isModelFamily(name);
}

/** The sizes a user chooses; the input sizes come from the dataset. */
export type Architecture = Pick<ModelConfig, 'imageSize' | 'patchSize' | 'embeddingDim' | 'blocks' | 'dropout' | 'gelu' | 'augment' | 'positionTable'>;

function checkPositiveIntegers<T extends object>(values: T, keys: readonly (keyof T)[]): void {
  for (const key of keys) {
    const value = values[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`${String(key)} must be a positive integer, got ${String(value)}`);
    }
  }
}

/** Throws with a message naming the offending setting. */
export function checkArchitecture(architecture: Architecture): void {
  checkPositiveIntegers(architecture, ['imageSize', 'patchSize', 'embeddingDim', 'blocks']);
  if (architecture.imageSize % architecture.patchSize !== 0) {
    throw new RangeError(`patch size ${architecture.patchSize} does not divide image size ${architecture.imageSize}`);
  }
  if (!(architecture.dropout >= 0 && architecture.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${architecture.dropout}`);
  if (architecture.positionTable !== undefined && !isPositionTable(architecture.positionTable)) {
    throw new RangeError(`position table must be ${POSITION_TABLES.join(' or ')}, got ${String(architecture.positionTable)}`);
  }
}

/** Throws with a message naming the offending setting. */
export function checkModelConfig(config: ModelConfig): void {
  modelFamily(config.model);
  checkArchitecture(config);
  checkPositiveIntegers(config, ['inputHeight', 'inputWidth', 'inputChannels', 'numClasses']);
  if (config.numClasses < 2) throw new RangeError(`a classifier needs at least 2 classes, got ${config.numClasses}`);
}
