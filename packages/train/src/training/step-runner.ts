/**
 * The training step as fit and the benchmarks run it: split across threads
 * (DataParallelTrainStep), or on one thread in the backend's form (trainStepRunnerOp): plain,
 * trainStep op by op; on native TensorFlow one recorded graph per step (GraphTrainStep,
 * backend/tensorflow/graph/), behind one interface.
 *
 *   const runner = await startTrainStep(model, threads);
 *   const totals = await runner.step(optimizer, variables, images, labels);   // each batch
 *   await runner.close();
 */
import type * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend/op-forms.js';
import { DataParallelTrainStep } from '../parallel/data-parallel-step.js';
import type { AdamW } from './adamw.js';
import { trainStep } from './train-step.js';

export interface TrainStepRunner {
  readonly threads: number;
  /** One AdamW step on the batch; returns its [lossSum, correct, top5Correct]. */
  step(optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): Promise<tf.Tensor1D>;
  close(): Promise<void>;
}

/** The runner of the model's training step on this thread. */
export type TrainStepRunnerForm = (model: tf.LayersModel) => TrainStepRunner;

/** The one-thread runner's forms: trainStep, op by op, unless a backend runs steps its own way. */
export const trainStepRunnerOp = defineOp<TrainStepRunnerForm>('trainStepRunner', (model) => ({
  threads: 1,
  step: async (optimizer, variables, images, labels) => trainStep(model, optimizer, variables, images, labels),
  close: async () => {},
}));

export async function startTrainStep(model: tf.LayersModel, threads = 1): Promise<TrainStepRunner> {
  if (threads > 1) return DataParallelTrainStep.start(model, threads);
  return trainStepRunnerOp.form()(model);
}
