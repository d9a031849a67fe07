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

/** x * mask, or x when there is no mask (no dropout). */
export function applyMask(x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
  return mask ? tf.mul(x, mask) : x;
}

/**
 * What a block's forward keeps for its backward, by name: a tensor, undefined where there is none
 * (an absent mask), or a record of such (what a shared piece keeps, such as the folded layer
 * norm's FoldedDenseSaved).
 */
export interface SavedTensors {
  readonly [name: string]: tf.Tensor | undefined | SavedTensors;
}

/** Where each saved tensor sits in the list customGrad keeps: its index, or undefined when absent. */
type SavedLayout = { readonly [name: string]: number | undefined | SavedLayout };

function isRecord(value: unknown): value is SavedTensors {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** The record's tensors as the list customGrad saves (in the order its names were written), and where each one went. */
function packSaved(saved: SavedTensors, into: tf.Tensor[] = []): { tensors: tf.Tensor[]; layout: SavedLayout } {
  const layout: { [name: string]: number | undefined | SavedLayout } = {};
  for (const [name, value] of Object.entries(saved)) {
    if (isRecord(value)) layout[name] = packSaved(value, into).layout;
    else if (value === undefined) layout[name] = undefined;
    else layout[name] = into.push(value) - 1;
  }
  return { tensors: into, layout };
}

/** The record packSaved was given, with the tensors customGrad kept in its place. */
function unpackSaved(layout: SavedLayout, kept: readonly tf.Tensor[]): SavedTensors {
  return Object.fromEntries(
    Object.entries(layout).map(([name, at]) => [name, typeof at === 'object' ? unpackSaved(at, kept) : at === undefined ? undefined : kept[at]]),
  );
}

/** Each of a block's inputs' gradient, by the input's name. */
export type Gradients<Inputs> = { readonly [Name in keyof Inputs]: tf.Tensor };

/**
 * A block as one tape node. Its inputs are a record of named tensors (the block's inputs record,
 * MixerBlockInputs and the like); forward(inputs) returns the output and a record of the tensors
 * to save; backward(dy, saved) gets that record back (the same names, customGrad's kept copies)
 * and returns each input's gradient by name, computed inside a tidy so that only those gradients
 * outlive it. The order customGrad needs is the record's own, kept here and nowhere else.
 */
export function blockWithGradient<Inputs extends { readonly [name: string]: tf.Tensor }, Saved extends SavedTensors>(
  forward: (inputs: Inputs) => { value: tf.Tensor; saved: Saved },
  backward: (dy: tf.Tensor, saved: Saved) => Gradients<Inputs>,
): (inputs: Inputs) => tf.Tensor {
  return (inputs) => {
    const names = Object.keys(inputs);
    const node = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const { value, saved } = forward(Object.fromEntries(names.map((name, i) => [name, args[i] as tf.Tensor])) as Inputs);
      // customGrad saves a list of tensors: remember where each named one went.
      const { tensors, layout } = packSaved(saved);
      save(tensors);
      return {
        value,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], kept: tf.Tensor[]) =>
          tf.tidy(() => {
            const gradients = backward(dy as tf.Tensor, unpackSaved(layout, kept) as Saved) as Readonly<Record<string, tf.Tensor | undefined>>;
            return names.map((name) => {
              const gradient = gradients[name];
              if (!gradient) throw new Error(`the block's backward pass gave no gradient for its input ${name}`);
              return gradient;
            });
          }),
      };
    }) as (...tensors: tf.Tensor[]) => tf.Tensor;
    return node(...names.map((name) => inputs[name]!));
  };
}
