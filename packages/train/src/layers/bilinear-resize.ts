/**
 * Bilinear resize of NHWC images to height x width, with TF2's coordinate convention (half-pixel
 * centres, no antialiasing), which is what the seed's Keras Resizing layer does. tfjs's default
 * resizeBilinear uses the TF1 "asymmetric" mapping, which gives different pixels (32 -> 64), so
 * halfPixelCenters is set explicitly. ONNX equivalent: Resize, mode linear,
 * coordinate_transformation_mode half_pixel.
 *
 * Usage: new BilinearResize({ height: 64, width: 64 }).apply(images)
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';

export interface BilinearResizeArgs extends LayerArgs {
  height: number;
  width: number;
}

export class BilinearResize extends tf.layers.Layer {
  static className = 'BilinearResize';
  readonly height: number;
  readonly width: number;

  constructor(args: BilinearResizeArgs) {
    super(args);
    for (const key of ['height', 'width'] as const) {
      if (!Number.isInteger(args[key]) || args[key] < 1) throw new Error(`BilinearResize: ${key} must be a positive integer, got ${args[key]}`);
    }
    this.height = args.height;
    this.width = args.width;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, 'BilinearResize') as tf.Tensor4D;
      return tf.image.resizeBilinear(x, [this.height, this.width], false, true);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, , , channels] = singleShape(inputShape);
    return [batch ?? null, this.height, this.width, channels ?? null];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

tf.serialization.registerClass(BilinearResize);
