/**
 * What defines a classifier: the family, the architecture, its sizes, and the input it takes
 * (types only; model-config.ts checks them and holds the seed's defaults).
 */
import type { GeluApproximation } from '../layers/ops/gelu.js';
import type { PositionTable } from '../layers/patch-position-embedding.js';

/** The name of a registered model family (models/model-families.ts): one of MODEL_NAMES, or one a user registered. */
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

/** The sizes a user chooses; the input sizes come from the dataset. */
export type Architecture = Pick<ModelConfig, 'imageSize' | 'patchSize' | 'embeddingDim' | 'blocks' | 'dropout' | 'gelu' | 'augment' | 'positionTable'>;
