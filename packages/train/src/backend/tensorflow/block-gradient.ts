/**
 * What the blocks' TensorFlow forms (ops/*-block.ts) share. Each block is one tf.customGrad whose backward pass is
 * written out, so that tfjs's tape holds one node per block instead of one per op: tfjs keeps every
 * tape node's saved tensors, and the gradient of every tensor on the tape, until the step ends,
 * which made an autodiffed step's peak memory twice what the same step needs. The block's forward
 * saves only what its backward reads, and its backward frees its intermediates as it goes.
 */
import * as tf from '@tensorflow/tfjs';

/** [batch, rows, features] -> [batch * rows, features], for the 2-D matmuls. */
export function flatRows(x: tf.Tensor): tf.Tensor2D {
  const features = x.shape[x.rank - 1]!;
  return tf.reshape(x, [x.size / features, features]);
}

/** Swaps the last two axes of [batch, rows, features]. */
export function swapLastTwo(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 1]);
}

/** x * mask, or x when there is no mask (no dropout). */
export function applyMask(x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
  return mask ? tf.mul(x, mask) : x;
}

/**
 * A block as one tape node: forward(inputs, save) returns the output and the tensors to save
 * (undefined entries, such as absent masks, allowed); backward(dy, saved) returns one gradient per
 * input, computed inside a tidy so that only those gradients outlive it.
 */
export function blockWithGradient(
  forward: (inputs: tf.Tensor[]) => { value: tf.Tensor; saved: (tf.Tensor | undefined)[] },
  backward: (dy: tf.Tensor, saved: (tf.Tensor | undefined)[]) => tf.Tensor[],
): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const { value, saved } = forward(args as tf.Tensor[]);
    // customGrad saves tensors only; remember which entries were absent.
    const present = saved.map((t) => t !== undefined);
    save(saved.filter((t): t is tf.Tensor => t !== undefined));
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], kept: tf.Tensor[]) => {
        let next = 0;
        const restored = present.map((p) => (p ? kept[next++] : undefined));
        return tf.tidy(() => backward(dy as tf.Tensor, restored));
      },
    };
  }) as (...inputs: tf.Tensor[]) => tf.Tensor;
}
