/**
 * What defines a classifier: the architecture, its sizes, and the input it takes. Defaults are
 * the seed's (SEED.md): image 64, patch 8, embedding 256, 4 blocks, dropout 0.2, exact GELU.
 */
import type { GeluApproximation } from '../layers/ops/gelu.js';

export const MODEL_NAMES = ['mixer', 'fnet', 'gmlp'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

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

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** Throws with a message naming the offending setting; the CLI turns it into a flag error. */
export function checkModelConfig(config: ModelConfig): void {
  const positive: (keyof ModelConfig)[] = ['inputHeight', 'inputWidth', 'inputChannels', 'numClasses', 'imageSize', 'patchSize', 'embeddingDim', 'blocks'];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (config.imageSize % config.patchSize !== 0) {
    throw new RangeError(`patch size ${config.patchSize} does not divide image size ${config.imageSize}`);
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${config.dropout}`);
  if (config.numClasses < 2) throw new RangeError(`a classifier needs at least 2 classes, got ${config.numClasses}`);
}
