/**
 * The training step behind one interface, TrainStepRunner, and its one-thread forms
 * (trainStepRunnerOp): plain, trainStep op by op; on native TensorFlow one recorded graph per step
 * (GraphTrainStep, backends/tensorflow/graph/). Split across threads it is DataParallelTrainStep
 * (parallel/); fit/start-train-step.ts picks between them.
 *
 *   const totals = await runner.step(optimizer, variables, images, labels);   // each batch
 *   await runner.close();
 */
import type * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend-api/op-forms.js';
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
