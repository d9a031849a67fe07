/**
 * The linear projection of flattened patches to the embedding: [B, P, F] x [F, D] + [D] ->
 * [B, P, D], what the seed writes as Dense(embedding_dim) after Patches (kernel glorot-uniform,
 * bias zeros).
 *
 * Not tfjs's Dense, for speed: it is the first trainable layer of the classifier (everything
 * before it is preprocessing and augmentation), so its input needs no gradient, and its weight
 * gradients are plain matmuls (ops/dense.ts). tfjs's Dense computes dx anyway, with the slow
 * transposed matmul forms: 0.7 s of a 3.2 s MLP-Mixer step on wasm at the seed configuration.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, type LayerVariable, singleInput, singleShape } from './layer-types.js';
import { denseLastAxis } from './ops/dense.js';
import { randomSource } from './random-source.js';

export interface PatchEmbeddingArgs extends LayerArgs {
  /** The embedding width D. */
  units: number;
}

export class PatchEmbedding extends tf.layers.Layer {
  static className = 'PatchEmbedding';
  readonly units: number;
  private kernel!: LayerVariable;
  private bias!: LayerVariable;

  constructor(args: PatchEmbeddingArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new Error(`PatchEmbedding: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, features] = checkBlockInputShape('PatchEmbedding', singleShape(inputShape));
    this.kernel = this.addWeight('kernel', [features, this.units], 'float32', tf.initializers.glorotUniform({ seed: randomSource.nextSeed() }));
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return denseLastAxis(singleInput(inputs, 'PatchEmbedding'), this.kernel.read(), this.bias.read(), { inputGradient: false });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(PatchEmbedding);
