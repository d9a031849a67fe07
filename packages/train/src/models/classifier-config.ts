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
   * The family's own options by key, as its `options` declares them (FNet's `positionTable`:
   * 'frozen', the seed's fixed random table, by default, or 'trained'); an option left out takes
   * its default (models/family-options.ts).
   */
  readonly familyOptions?: FamilyOptionValues;
  /**
   * @deprecated FNet's position table sits in `familyOptions` now: `familyOptions: { positionTable }`
   * (this field still works, with a one-time warning, MLPX_DEP006). Runs and checkpoints that
   * recorded it here read back with it moved there.
   */
  readonly positionTable?: PositionTable;
}

/** The values of a family's own options, by key (ModelFamily.options). */
export type FamilyOptionValues = Readonly<Record<string, string>>;

/** The sizes a user chooses, and the family's own options; the input sizes come from the dataset. */
export type Architecture = Pick<
  ModelConfig,
  'imageSize' | 'patchSize' | 'embeddingDim' | 'blocks' | 'dropout' | 'gelu' | 'augment' | 'familyOptions' | 'positionTable'
>;
