/** The tfjs-layers types mlpx's custom layers use (not re-exported by @tensorflow/tfjs). */
export type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
export type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
export type { LayerVariable } from '@tensorflow/tfjs-layers/dist/variables.js';

import type * as tf from '@tensorflow/tfjs';

/** The single tensor a one-input layer was called with. */
export function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${layer} expects one input, got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

/** The [batch, ...] shape a one-input layer was built with. */
export function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}
