/**
 * Per-channel standardisation with statistics adapted on the training images, as the seed's
 * Keras Normalization layer computes it: (x - mean) / max(sqrt(variance), 1e-7). The statistics
 * are non-trainable weights, so they are saved with the model and exported with it.
 *
 * Usage: const norm = new Normalization({}); model = ...; norm.setStatistics(channelStatistics(...))
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, type LayerVariable, singleInput, singleShape } from './layer-types.js';

/** Keras' backend epsilon, the floor of the standard deviation. */
export const NORMALIZATION_EPSILON = 1e-7;

export interface ChannelStatistics {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/** Mean and (biased) variance per channel of NHWC uint8 images, accumulated in float64. */
export function channelStatistics(images: Uint8Array, channels: number): ChannelStatistics {
  if (images.length === 0 || images.length % channels !== 0) {
    throw new Error(`channelStatistics: ${images.length} bytes is not a whole number of ${channels}-channel pixels`);
  }
  const sum = new Float64Array(channels);
  const sumSquares = new Float64Array(channels);
  for (let i = 0; i < images.length; i++) {
    const value = images[i]!;
    const c = i % channels;
    sum[c] += value;
    sumSquares[c] += value * value;
  }
  const pixels = images.length / channels;
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const m = sum[c]! / pixels;
    mean[c] = m;
    variance[c] = Math.max(0, sumSquares[c]! / pixels - m * m);
  }
  return { mean, variance };
}

export class Normalization extends tf.layers.Layer {
  static className = 'Normalization';
  private mean!: LayerVariable;
  private variance!: LayerVariable;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error('Normalization needs a known channel count (the last axis)');
    this.mean = this.addWeight('mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.variance = this.addWeight('variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  /** Sets the adapted statistics (Keras' adapt()); call once the layer is built. */
  setStatistics(statistics: ChannelStatistics): void {
    tf.tidy(() => {
      this.mean.write(tf.tensor1d(statistics.mean));
      this.variance.write(tf.tensor1d(statistics.variance));
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'Normalization');
      const std = tf.maximum(tf.sqrt(this.variance.read()), NORMALIZATION_EPSILON);
      return tf.div(tf.sub(x, this.mean.read()), std);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}

tf.serialization.registerClass(Normalization);
