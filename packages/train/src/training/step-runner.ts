/**
 * The training step as fit and the benchmarks run it: on this thread (trainStep), split across
 * threads (DataParallelTrainStep), or on native TensorFlow as one recorded graph per step
 * (GraphTrainStep), behind one interface.
 *
 *   const runner = await startTrainStep(model, threads);
 *   const totals = await runner.step(optimizer, variables, images, labels);   // each batch
 *   await runner.close();
 */
import type * as tf from '@tensorflow/tfjs';
import { onTensorflow } from '../backend/native-tensorflow.js';
import { DataParallelTrainStep } from '../parallel/data-parallel-step.js';
import type { AdamW } from './adamw.js';
import { GraphTrainStep } from './graph/graph-train-step.js';
import { trainStep } from './train-step.js';

export interface TrainStepRunner {
  readonly threads: number;
  /** One AdamW step on the batch; returns its [lossSum, correct, top5Correct]. */
  step(optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): Promise<tf.Tensor1D>;
  close(): Promise<void>;
}

export async function startTrainStep(model: tf.LayersModel, threads = 1): Promise<TrainStepRunner> {
  if (threads > 1) return DataParallelTrainStep.start(model, threads);
  if (onTensorflow()) return new GraphTrainStep(model);
  return {
    threads: 1,
    step: async (optimizer, variables, images, labels) => trainStep(model, optimizer, variables, images, labels),
    close: async () => {},
  };
}
