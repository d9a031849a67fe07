/**
 * Training-time augmentation: flips each image left-right with probability 1/2, as the seed's
 * Keras RandomFlip("horizontal"). Identity at inference, so the exporter leaves it out.
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { randomSource } from './random-source.js';
import { stepInput } from './step-inputs.js';

export class RandomFlip extends tf.layers.Layer {
  static className = 'RandomFlip';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = singleInput(inputs, 'RandomFlip') as tf.Tensor4D;
    if (kwargs['training'] !== true) return x;
    return tf.tidy(() => {
      const batch = x.shape[0];
      const flip = stepInput(() =>
        tf.tensor4d(
          randomSource.perExample(batch).map((u) => (u < 0.5 ? 1 : 0)),
          [batch, 1, 1, 1],
        ),
      );
      return tf.add(x, tf.mul(flip, tf.sub(tf.image.flipLeftRight(x), x)));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}

tf.serialization.registerClass(RandomFlip);
