/**
 * Tensors a training step makes from the host: dropout masks, augmentation draws, the optimizer's
 * step size. Each is made by a function that draws what it needs from the training stream
 * (random-source.ts) and returns the tensor(s):
 *
 *   const mask = stepInput(() => tf.tensor(dropoutMask(size, rate, randomSource.nextSeed()), shape));
 *
 * Run op by op, that is all stepInput does. While a step is being recorded into a TensorFlow
 * graph (backends/tensorflow/graph/graph-train-step.ts), the tensors become the graph's inputs and the functions are kept:
 * each later step calls them again, in the recorded order, and feeds what they return, so the
 * graph sees fresh draws, in the same order, from the same stream as the step run op by op.
 *
 * A recorded step must draw from the stream only inside these functions; a draw elsewhere would
 * be frozen into the graph, and recording counts them (recordStepInputs: drawsOutside) so that
 * no graph is made of such a step.
 */
import type * as tf from '@tensorflow/tfjs';
import { randomSource } from './random-source.js';

export type StepInputValue = tf.Tensor | readonly tf.Tensor[];

export interface StepInput {
  readonly make: () => StepInputValue;
  readonly tensors: readonly tf.Tensor[];
}

interface StepInputRecording {
  readonly inputs: StepInput[];
  readonly onInput: (input: StepInput) => void;
  /** Draws from the stream made inside stepInput's functions. */
  drawsInside: number;
}

let recording: StepInputRecording | undefined;

function tensorsOf(value: StepInputValue): readonly tf.Tensor[] {
  return Array.isArray(value) ? (value as readonly tf.Tensor[]) : [value as tf.Tensor];
}

export function stepInput<T extends StepInputValue>(make: () => T): T {
  if (!recording) return make();
  const before = randomSource.draws;
  const value = make();
  recording.drawsInside += randomSource.draws - before;
  const input = { make, tensors: tensorsOf(value) };
  recording.inputs.push(input);
  recording.onInput(input);
  return value;
}

/**
 * Runs `step`, collecting the step inputs it makes (each also handed to onInput as it is made),
 * and counting the draws from the stream made outside them (which must be none for a graph).
 */
export function recordStepInputs<T>(step: () => T, onInput: (input: StepInput) => void = () => {}): { result: T; inputs: StepInput[]; drawsOutside: number } {
  if (recording) throw new Error('a training step is already being recorded');
  const current: StepInputRecording = { inputs: [], onInput, drawsInside: 0 };
  const before = randomSource.draws;
  recording = current;
  let result: T;
  try {
    result = step();
  } finally {
    recording = undefined;
  }
  return { result, inputs: current.inputs, drawsOutside: randomSource.draws - before - current.drawsInside };
}

/** The step inputs' tensors for the next step: each function called again, in the recorded order. */
export function makeStepInputs(inputs: readonly StepInput[]): tf.Tensor[] {
  return inputs.flatMap((input) => tensorsOf(input.make()));
}
