/** What the training thread and its gradient workers say to each other (worker_threads messages). */
import type { BatchSlice, RandomState } from '../layers/random-source.js';

export interface InitMessage {
  readonly type: 'init';
  /** model.toJSON(): the layers and their configuration. */
  readonly topology: object;
  /** Every weight of the model (trainable or not), in model.weights order. */
  readonly weights: Float32Array[];
  readonly backend: string;
  /** The modules that register the layer classes of families from outside @mlpx/train (ModelFamily.module). */
  readonly modules: readonly string[];
}

export interface StepMessage {
  readonly type: 'step';
  /** The trainable weights now, in model.trainableWeights order. */
  readonly weights: Float32Array[];
  /** The random stream's state at the start of the step (the same in every thread). */
  readonly random: RandomState;
  /** The worker's examples: [count, height, width, channels] pixels and their labels. */
  readonly images: Float32Array;
  readonly shape: [number, number, number, number];
  readonly labels: Int32Array;
  readonly slice: BatchSlice;
}

export type WorkerRequest = InitMessage | StepMessage;

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'gradients'; readonly grads: Float32Array[]; readonly totals: Float32Array }
  | { readonly type: 'error'; readonly message: string };
