/**
 * What a model family is (model-families.ts holds the registered ones). A family (one mlpx ships,
 * models/families/, or one a user adds) is everything mlpx needs to know about one kind of block:
 * how to build it, whether the classifier adds FNet's position embedding, its own options (FNet's
 * position table), the learning rate `mlpx train` uses by default, its matmul FLOPs, its
 * plain-tfjs form for `mlpx bench`'s baseline, and the Keras layer that mirrors it in the Python
 * tooling. The classifier around the blocks is the same for every family (build-classifier.ts).
 * The ONNX converter of the block's layer class is registered with @mlpx/export's
 * registerConverter (docs/adding-a-model.md).
 *
 *   registerModelFamily(toyFamily);
 *   buildClassifier({ model: 'toy', ... }, statistics);
 */
import type * as tf from '@tensorflow/tfjs';
import type { GeluApproximation } from '../layers/ops/gelu.js';
import type { ModelConfig } from './classifier-config.js';

/** What build-classifier.ts gives a family to build block i with. */
export interface BlockSettings {
  /** The layer's name, `<family>_block_<i + 1>`: its weights are named after it. */
  readonly name: string;
  readonly dropoutRate: number;
  readonly gelu: GeluApproximation;
}

/** Sizes of one block of the plain baseline (models/build-plain-classifier.ts). */
export interface PlainBlockSizes {
  readonly patches: number;
  readonly channels: number;
  readonly rate: number;
  /** tfjs's name of the GELU form: 'gelu' (exact) or 'gelu_new' (tanh). */
  readonly activation: 'gelu' | 'gelu_new';
}

/** Forward matmul FLOPs of one block per image (a multiply-add is 2): dense layers, and the DFT's. */
export interface BlockFlops {
  readonly dense: number;
  readonly dft: number;
}

/** The facts the Python tooling shares (the build writes the built-in ones to dist/model-families.json: scripts/write-model-families.mjs). */
export interface ModelFamilyFacts {
  /** `--model`'s value, the ModelConfig's model, and the prefix of the block layers' names. */
  readonly name: string;
  readonly displayName: string;
  /** The learning rate `mlpx train` uses unless --lr is given (for the built-in families, the seed's). */
  readonly learningRate: number;
  /** Whether the classifier adds a PatchPositionEmbedding after the patch embedding (FNet's). */
  readonly positionEmbedding: boolean;
  /** The Keras layer class in python/seed_layers.py that mirrors the block, if there is one. */
  readonly kerasBlock?: string;
}

/**
 * One option of a family's own (FNet's position table): a choice among named values, set in the
 * config's `familyOptions` under its key and, for `mlpx train`, by the flag of that key in kebab
 * case (positionTable: --position-table).
 */
export interface FamilyOption {
  /** What it chooses, for people: "frozen position table" in `mlpx train`'s progress, its errors. */
  readonly label: string;
  /** `mlpx train --help`'s text for the flag (after "<the families that have it> only: "). */
  readonly description: string;
  /** The flag's value in its help: `--position-table <mode>`. */
  readonly valueName: string;
  readonly choices: readonly string[];
  /** A new run's value when none is chosen. */
  readonly default: string;
  /**
   * The value of a run recorded before the option existed (its checkpoint and metrics.json lack
   * it), when that is not the default: such a run resumes as it ran.
   */
  readonly unrecorded?: string;
}

export interface ModelFamily extends ModelFamilyFacts {
  /** The family's own options, by key (models/family-options.ts); none if absent. */
  readonly options?: Readonly<Record<string, FamilyOption>>;
  /** Block i of a classifier of this family, input and output [batch, patches, channels]. */
  block(settings: BlockSettings, config: ModelConfig): tf.layers.Layer;
  /** The block's forward matmul FLOPs per image, for bench/training-flops.ts. */
  blockFlops(patches: number, channels: number): BlockFlops;
  /** The block from stock tfjs layers, with the same weights in the same order (the plain baseline). */
  plainBlock(x: tf.SymbolicTensor, sizes: PlainBlockSizes): tf.SymbolicTensor;
  /**
   * The URL of a JavaScript module that registers the block's layer class with tfjs when imported
   * (`tf.serialization.registerClass`), for a family defined outside @mlpx/train: data-parallel
   * training's worker threads (`threads` above 1) import it before they rebuild the model.
   * Typically `new URL('./my-block.js', import.meta.url).href`. The built-in families need none.
   */
  readonly module?: string;
}
