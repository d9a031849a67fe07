/**
 * Each model family's own test cases, beside nothing else: test/families/<name>.ts exports
 * `cases`, a FamilyCases for the family registered under <name>. The tests that cover every
 * family (the converters' parity on each execution provider, fp16, int8, the exported models,
 * the FLOP count, the registry) loop over these, and never name a family themselves; a family
 * registered in @mlpx/train without a cases file here fails familyCases().
 */
import { readdirSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { GeluApproximation } from '@mlpx/train/src/layers/ops/gelu.js';
import { SEED_ARCHITECTURE } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies, modelFamily } from '@mlpx/train/src/models/model-families.js';

/** A block layer on one [patches, channels] input shape. */
export interface BlockCase {
  /** How the case reads in a test's name. */
  readonly name: string;
  readonly make: () => tf.layers.Layer;
  readonly shape: readonly [number, number];
}

/**
 * The cases of a whole classifier of the family: its entry's facts and its FLOPs. Every family has
 * these, a family from outside mlpx too (test/train/families/toy-family/toy-cases.ts).
 */
export interface ModelCases {
  /** The family's name in the registry (`--model`). */
  readonly family: string;
  /** The learning rate the family's entry gives (the seed's, for the built-in ones), as published. */
  readonly learningRate: number;
  /** Whether the classifier adds the position embedding. */
  readonly positionEmbedding: boolean;
  /** The block's matmul FLOPs in one training step per image (forward, dx, dW) at the seed configuration, worked out by hand. */
  readonly seedBlockTrainingFlops: number;
}

/** A built-in family's cases: the whole classifier's, its block's on its own (its converter, int8 form, TensorFlow form, Keras peer), and its export's. */
export interface FamilyCases extends ModelCases {
  /** The family's block layer, as the classifier builds it with these options. */
  readonly block: (options: { dropoutRate: number; gelu?: GeluApproximation }) => tf.layers.Layer;
  /** The block (dropout 0) on the small shape every converter test uses first, then any other shape worth a case. */
  readonly blocks: readonly BlockCase[];
  /**
   * What an int8 export of the block holds: MatMulIntegerToFloat nodes (the dense layers over the
   * last axis), the MatMuls kept in float32, and QuantizeLinear nodes where not one per int8 layer.
   */
  readonly int8: { readonly int8: number; readonly float: number; readonly quantize?: number };
  /** Transpose nodes in the opset-17 export of a trained classifier of 28x28x1 images (test/helpers/trained-models.ts). */
  readonly exportedTransposes: number;
}

const FOLDER = import.meta.dirname;
const OWN_FILES = new Set(['family-cases.ts', 'family-cases.test.ts']);

/** The cases files in this folder, each loaded. */
const loaded: FamilyCases[] = await Promise.all(
  readdirSync(FOLDER)
    .filter((file) => file.endsWith('.ts') && !OWN_FILES.has(file))
    .sort()
    .map((file) => file.slice(0, -'.ts'.length))
    // The file names are only known at run time: vite cannot (and need not) resolve them ahead.
    .map(async (stem) => ((await import(/* @vite-ignore */ `./${stem}.js`)) as { cases: FamilyCases }).cases),
);

/** Every registered family's cases, in the registry's order; throws naming a family that has none. */
export function familyCases(): FamilyCases[] {
  return modelFamilies().map((family) => {
    const cases = loaded.find((c) => c.family === family.name);
    if (!cases) throw new Error(`the model family ${family.name} has no test cases: add test/families/${family.name}.ts (docs/adding-a-model.md)`);
    return cases;
  });
}

/** The cases of the family registered as `name`. */
export function casesOf(name: string): FamilyCases {
  const cases = familyCases().find((c) => c.family === name);
  if (!cases) throw new Error(`no model family ${name}`);
  return cases;
}

/** Every family's blocks, each case named by the block's class as the converter tests name them. */
export function blockCases(): BlockCase[] {
  return familyCases().flatMap((c) => c.blocks);
}

/** The sizes of the seed configuration (CIFAR-100's images) that the FLOP cases are worked out at. */
export const SEED_SIZES = { inputChannels: 3, numClasses: 100, ...SEED_ARCHITECTURE };

/** The patch embedding's training FLOPs per image at the seed configuration: 64 patches of 8x8x3 = 192 features to 256 channels, forward and dW (no dx). */
export const SEED_EMBEDDING_FLOPS = 2 * (2 * 64 * 192 * 256);
/** The head's: 256 channels to 100 classes, forward, dx and dW. */
export const SEED_HEAD_FLOPS = 3 * (2 * 256 * 100);

/** A training step's matmul FLOPs per image at the seed configuration, given the block's: the embedding, 4 blocks, the head. */
export function seedTrainingFlops(cases: ModelCases): number {
  return SEED_EMBEDDING_FLOPS + SEED_SIZES.blocks * cases.seedBlockTrainingFlops + SEED_HEAD_FLOPS;
}

/** The family's entry in the registry gives the facts its cases state. */
export function expectFacts(cases: ModelCases): void {
  const family = modelFamily(cases.family);
  expect(family.learningRate, cases.family).toBe(cases.learningRate);
  expect(family.positionEmbedding, cases.family).toBe(cases.positionEmbedding);
}
