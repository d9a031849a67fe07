/** Argument and input-shape checks shared by the three block layers, and the type of their forms. */
import type * as tf from '@tensorflow/tfjs';
import { GELU_APPROXIMATIONS, type GeluApproximation } from './ops/gelu.js';

/** The options every block form takes. */
export interface BlockOptions {
  readonly dropoutRate: number;
  readonly training: boolean;
  readonly gelu: GeluApproximation;
}

/**
 * A block layer's computation, as a backend computes it: from the input `x` and the block's
 * weights, each by its name in the block's inputs record (MixerBlockInputs, ...), to the output,
 * differentiable in all of them.
 */
export type BlockForm<Inputs extends BlockInputs> = (inputs: Inputs, options: BlockOptions) => tf.Tensor;

/** What every block's inputs record holds: the block's input `x`, [batch, patches, channels], and its weights by name. */
export interface BlockInputs {
  readonly x: tf.Tensor;
  readonly [weight: string]: tf.Tensor;
}

export function checkBlockArgs(layer: string, args: { dropoutRate: number; gelu?: GeluApproximation }): void {
  if (!(args.dropoutRate >= 0 && args.dropoutRate < 1)) {
    throw new Error(`${layer}: dropoutRate must be in [0, 1), got ${args.dropoutRate}`);
  }
  if (args.gelu !== undefined && !GELU_APPROXIMATIONS.includes(args.gelu)) {
    throw new Error(`${layer}: gelu must be one of ${GELU_APPROXIMATIONS.join(', ')}, got ${String(args.gelu)}`);
  }
}

/** [batch, patches, channels] -> [patches, channels], or a clear error. */
export function checkBlockInputShape(layer: string, shape: tf.Shape): [number, number] {
  const [, patches, channels] = shape;
  if (shape.length !== 3 || patches == null || channels == null) {
    throw new Error(`${layer} expects input [batch, patches, channels] with known patches and channels, got [${shape.join(', ')}]`);
  }
  return [patches, channels];
}
