/**
 * The training step as fit and the benchmarks run it: split across `threads` worker threads
 * (DataParallelTrainStep), or on this thread in the active backend's form (trainStepRunnerOp).
 *
 *   const runner = await startTrainStep(model, threads);
 */
import type * as tf from '@tensorflow/tfjs';
import { DataParallelTrainStep } from '../parallel/data-parallel-step.js';
import { trainStepRunnerOp, type TrainStepRunner } from '../training/step-runner.js';

export async function startTrainStep(model: tf.LayersModel, threads = 1): Promise<TrainStepRunner> {
  if (threads > 1) return DataParallelTrainStep.start(model, threads);
  return trainStepRunnerOp.form()(model);
}
