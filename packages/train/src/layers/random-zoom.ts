/**
 * Training-time augmentation: zooms each image in or out by independent random factors for height
 * and width, as the seed's Keras RandomZoom(height_factor=0.2, width_factor=0.2): zoom drawn
 * uniformly from [1 - factor, 1 + factor] (above 1 zooms out), about the image centre, bilinear
 * sampling, 'reflect' fill: Keras' zoom matrix [zx, 0, (W-1)/2 (1-zx), 0, zy, (H-1)/2 (1-zy), 0, 0],
 * computed by ops/zoom.ts. Identity at inference, so the exporter leaves it out.
 */
import * as tf from '@tensorflow/tfjs';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { zoomImagesAsDrawn } from './ops/zoom.js';
import { randomSource } from './random-source.js';

export interface RandomZoomArgs extends LayerArgs {
  heightFactor: number;
  widthFactor: number;
}

export class RandomZoom extends tf.layers.Layer {
  static className = 'RandomZoom';
  readonly heightFactor: number;
  readonly widthFactor: number;

  constructor(args: RandomZoomArgs) {
    super(args);
    for (const key of ['heightFactor', 'widthFactor'] as const) {
      if (!(args[key] >= 0 && args[key] < 1)) throw new Error(`RandomZoom: ${key} must be in [0, 1), got ${args[key]}`);
    }
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = singleInput(inputs, 'RandomZoom') as tf.Tensor4D;
    if (kwargs['training'] !== true) return x;
    const batch = x.shape[0];
    const draw = (factor: number): number[] => randomSource.perExample(batch).map((u) => 1 - factor + 2 * factor * u);
    // Drawn where the backend's form of the zoom needs them: on the host backends before the
    // interpolation in JavaScript, elsewhere inside the step input that makes the taps' tensors
    // (a recorded step graph's inputs: step-inputs.ts).
    return zoomImagesAsDrawn(x, () => ({ height: draw(this.heightFactor), width: draw(this.widthFactor) }));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heightFactor: this.heightFactor, widthFactor: this.widthFactor };
  }
}

tf.serialization.registerClass(RandomZoom);
