/**
 * A learned position embedding added to every example's patch embeddings: [B, P, D] + E[P, D].
 * The seed builds it (FNet only) as Keras Embedding(P, D) looked up at positions 0..P-1, which is
 * the embedding table itself; Keras initialises it uniform in [-0.05, 0.05].
 */
import * as tf from '@tensorflow/tfjs';
import { checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, type LayerVariable, singleInput, singleShape } from './layer-types.js';
import { randomSource } from './random-source.js';

export class PatchPositionEmbedding extends tf.layers.Layer {
  static className = 'PatchPositionEmbedding';
  private embeddings!: LayerVariable;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [patches, channels] = checkBlockInputShape('PatchPositionEmbedding', singleShape(inputShape));
    this.embeddings = this.addWeight(
      'embeddings',
      [patches, channels],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: randomSource.nextSeed() }),
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(singleInput(inputs, 'PatchPositionEmbedding'), this.embeddings.read()));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}

tf.serialization.registerClass(PatchPositionEmbedding);
