/**
 * Cuts NHWC images into non-overlapping patchSize x patchSize patches, as the seed's
 * tf.image.extract_patches(sizes=strides=patch, VALID) followed by a reshape: [B, H, W, C] ->
 * [B, (H/p)(W/p), p*p*C]. Patches are ordered row-major over the grid; each patch flattens as
 * [row, column, channel]. Computed as reshape [B*H/p, p, W/p, p*C], swap axes 1 and 2, reshape:
 * rank 4 only, and a dynamic batch survives export.
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';

export interface PatchesArgs extends LayerArgs {
  patchSize: number;
}

export class Patches extends tf.layers.Layer {
  static className = 'Patches';
  readonly patchSize: number;

  constructor(args: PatchesArgs) {
    super(args);
    if (!Number.isInteger(args.patchSize) || args.patchSize < 1) {
      throw new Error(`Patches: patchSize must be a positive integer, got ${args.patchSize}`);
    }
    this.patchSize = args.patchSize;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, height, width] = singleShape(inputShape);
    for (const size of [height, width]) {
      if (size == null || size % this.patchSize !== 0) {
        throw new Error(`Patches: image size ${height}x${width} is not divisible by patch size ${this.patchSize}`);
      }
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'Patches');
      const [batch, height, width, channels] = x.shape as [number, number, number, number];
      const p = this.patchSize;
      const rows = tf.reshape(x, [batch * (height / p), p, width / p, p * channels]);
      const grid = tf.transpose(rows, [0, 2, 1, 3]);
      return tf.reshape(grid, [batch, (height / p) * (width / p), p * p * channels]);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width, channels] = singleShape(inputShape) as number[];
    const p = this.patchSize;
    return [batch ?? null, (height! / p) * (width! / p), p * p * channels!];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize };
  }
}

tf.serialization.registerClass(Patches);
