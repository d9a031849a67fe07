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
 * A block layer's computation, as a backend computes it: from the input and the block's weights
 * (in the order its layer lists them) to the output, differentiable in all of them.
 */
export type BlockForm = (inputs: readonly tf.Tensor[], options: BlockOptions) => tf.Tensor;

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
