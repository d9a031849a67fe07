/**
 * Dropout whose masks come from the training random stream (a new mask every step, repeatable
 * for a seeded run); tfjs's own Dropout layer with a fixed seed would reuse one mask. Identity at
 * inference, so the exporter leaves it out.
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { dropout } from './ops/dropout.js';

export interface SeededDropoutArgs extends LayerArgs {
  rate: number;
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;

  constructor(args: SeededDropoutArgs) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`SeededDropout: rate must be in [0, 1), got ${args.rate}`);
    this.rate = args.rate;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return dropout(singleInput(inputs, 'SeededDropout'), this.rate, kwargs['training'] === true);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}

tf.serialization.registerClass(SeededDropout);
