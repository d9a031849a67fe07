/**
 * The pieces of the plain baseline that tfjs has no usable stock layer for, written the
 * straightforward way: tfjs ops differentiated by autodiff, no hand-written gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { dftCosSin } from '../ops/real-dft2d.js';
import { type Kwargs, type LayerArgs, type LayerVariable, singleInput, singleShape } from '../layer-types.js';
import { layerNormAutodiff } from '../ops/layer-norm.js';

function matrix(values: Float64Array, size: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(values), [size, size]);
}

/** Re(fft2d) over patches and channels: C_N X C_D - S_N X S_D, as 2-D matmuls and transposes. */
export class PlainFourierTransform extends tf.layers.Layer {
  static className = 'PlainFourierTransform';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'PlainFourierTransform');
      const [batch, patches, channels] = x.shape as [number, number, number];
      const d = dftCosSin(channels);
      const n = dftCosSin(patches);
      const rows = tf.reshape(x, [batch * patches, channels]);
      // Along channels, then along patches (C_N and S_N are symmetric): [B, D, N] rows times C_N.
      const alongPatches = (y: tf.Tensor, m: tf.Tensor2D): tf.Tensor =>
        tf.matMul(tf.reshape(tf.transpose(tf.reshape(y, [batch, patches, channels]), [0, 2, 1]), [batch * channels, patches]), m);
      const real = tf.sub(
        alongPatches(tf.matMul(rows, matrix(d.cos, channels)), matrix(n.cos, patches)),
        alongPatches(tf.matMul(rows, matrix(d.sin, channels)), matrix(n.sin, patches)),
      );
      return tf.transpose(tf.reshape(real, [batch, channels, patches]), [0, 2, 1]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}

/** Splits the last axis in two halves: gMLP's [u, v] = split(x, 2, -1). */
export class ChannelHalves extends tf.layers.Layer {
  static className = 'ChannelHalves';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.split(singleInput(inputs, 'ChannelHalves'), 2, -1);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const shape = singleShape(inputShape);
    const half = [...shape.slice(0, -1), shape[shape.length - 1]! / 2];
    return [half, half];
  }
}

/**
 * Layer normalization over the last axis with tf.moments and autodiff (eps 1e-6, as the seed).
 * Not tfjs's stock LayerNormalization: in tfjs 4.22 that layer tiles its moments, and the Tile
 * gradient runs one Slice and one Add per tile, 20,480 kernels and 9.6 s for one MLP-Mixer step
 * at batch 16 on wasm (against 0.3 s for the rest of the step). A baseline that slow would say
 * nothing; this is what a tfjs user writes after seeing it.
 */
export class PlainLayerNormalization extends tf.layers.Layer {
  static className = 'PlainLayerNormalization';
  private gamma!: LayerVariable;
  private beta!: LayerVariable;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const features = shape[shape.length - 1]!;
    this.gamma = this.addWeight('gamma', [features], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [features], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return layerNormAutodiff(singleInput(inputs, 'PlainLayerNormalization'), this.gamma.read(), this.beta.read());
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }
}

tf.serialization.registerClass(PlainFourierTransform);
tf.serialization.registerClass(PlainLayerNormalization);
tf.serialization.registerClass(ChannelHalves);
