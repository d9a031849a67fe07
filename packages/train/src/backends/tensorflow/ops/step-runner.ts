/**
 * The training step on native TensorFlow (of training/step-runner.ts): each batch shape's step
 * recorded once as a TensorFlow graph and then run as that graph in one session run
 * (../graph/graph-train-step.ts; MLPX_TENSORFLOW_GRAPH=0 runs it op by op).
 */
import type { TrainStepRunnerForm } from '../../../training/step-runner.js';
import { GraphTrainStep } from '../graph/graph-train-step.js';

export const trainStepRunnerOnTensorflow: TrainStepRunnerForm = (model) => new GraphTrainStep(model);
