/**
 * The classifier's settings (classifier-config.ts) checked, the seed's defaults for them (docs/seed.md:
 * image 64, patch 8, embedding 256, 4 blocks, dropout 0.2, exact GELU), and the families' names.
 */
import type { Architecture, ModelConfig, ModelName } from './classifier-config.js';
import { BUILT_IN_FAMILIES, type BuiltInModelName } from './families/index.js';
import { checkFamilyOptions } from './family-options.js';
import { isModelFamily, modelFamily } from './model-families.js';

export type { Architecture, FamilyOptionValues, ModelConfig, ModelName } from './classifier-config.js';

/** The families mlpx ships (models/families/index.ts; registerModelFamily adds others). */
export const MODEL_NAMES: readonly BuiltInModelName[] = BUILT_IN_FAMILIES.map((family) => family.name);

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
export function isModelName(name: string): boolean {
  return isModelFamily(name);
}

function checkPositiveIntegers<T extends object>(values: T, keys: readonly (keyof T)[]): void {
  for (const key of keys) {
    const value = values[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`${String(key)} must be a positive integer, got ${String(value)}`);
    }
  }
}

/** Throws with a message naming the offending setting; given the model, its family's own options too (family-options.ts). */
export function checkArchitecture(architecture: Architecture, model?: ModelName): void {
  checkPositiveIntegers(architecture, ['imageSize', 'patchSize', 'embeddingDim', 'blocks']);
  if (architecture.imageSize % architecture.patchSize !== 0) {
    throw new RangeError(`patch size ${architecture.patchSize} does not divide image size ${architecture.imageSize}`);
  }
  if (!(architecture.dropout >= 0 && architecture.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${architecture.dropout}`);
  if (model !== undefined) checkFamilyOptions(model, architecture);
}

/** Throws with a message naming the offending setting. */
export function checkModelConfig(config: ModelConfig): void {
  modelFamily(config.model);
  checkArchitecture(config, config.model);
  checkPositiveIntegers(config, ['inputHeight', 'inputWidth', 'inputChannels', 'numClasses']);
  if (config.numClasses < 2) throw new RangeError(`a classifier needs at least 2 classes, got ${config.numClasses}`);
}
