/**
 * A position embedding added to every example's patch embeddings: [B, P, D] + E[P, D] (FNet only).
 *
 * The seed writes it as `x + layers.Embedding(P, D)(tf.range(P))` inside the functional model.
 * The Embedding is called on a constant, not on the model's input, so Keras runs it once while
 * building and adds the result as a constant: a random table (Keras' Embedding initializer,
 * uniform in [-0.05, 0.05]) that never trains (docs/seed.md, "FNet's position table"). That is `table: 'frozen'`, a
 * non-trainable weight: saved with the model and exported, never seen by the optimizer.
 * `table: 'trained'` makes it a trainable weight, a deviation from the seed that mlpx used to
 * make; a saved layer without the field was trained that way and loads as 'trained'.
 *
 *   new PatchPositionEmbedding({ table: 'frozen', name: 'position_embedding' })
 */
import * as tf from '@tensorflow/tfjs';
import { checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, type LayerVariable, singleInput, singleShape } from './layer-types.js';
import { randomSource } from './random-source.js';

export const POSITION_TABLES = ['frozen', 'trained'] as const;
/** 'frozen': the seed's fixed random table; 'trained': a learned one. */
export type PositionTable = (typeof POSITION_TABLES)[number];

export interface PatchPositionEmbeddingArgs extends LayerArgs {
  /** Default 'trained': what a config saved before the field existed meant. */
  table?: PositionTable;
}

export function isPositionTable(value: unknown): value is PositionTable {
  return (POSITION_TABLES as readonly unknown[]).includes(value);
}

export class PatchPositionEmbedding extends tf.layers.Layer {
  static className = 'PatchPositionEmbedding';
  readonly table: PositionTable;
  private embeddings!: LayerVariable;

  constructor(args: PatchPositionEmbeddingArgs = {}) {
    super(args);
    const table = args.table ?? 'trained';
    if (!isPositionTable(table)) throw new Error(`PatchPositionEmbedding: table must be ${POSITION_TABLES.join(' or ')}, got ${String(table)}`);
    this.table = table;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [patches, channels] = checkBlockInputShape('PatchPositionEmbedding', singleShape(inputShape));
    // Drawn from the run's stream either way, so that a seed gives the same table in both modes.
    const initializer = tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: randomSource.nextSeed() });
    this.embeddings = this.addWeight('embeddings', [patches, channels], 'float32', initializer, undefined, this.table === 'trained');
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(singleInput(inputs, 'PatchPositionEmbedding'), this.embeddings.read()));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), table: this.table };
  }
}

tf.serialization.registerClass(PatchPositionEmbedding);
