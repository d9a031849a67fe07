/**
 * mlpx's training throughput of one model on one backend, measured in a Node process of its own
 * (training-child.ts runs measureTrainingThroughput there), with that process's peak RSS. This is
 * mlpx's side of `mlpx bench --peer`: the peer runs in its own process too, so the two memory
 * figures compare one model's training with one model's training.
 */
import { fileURLToPath } from 'node:url';
import type { BackendChoice } from '../backends/select-backend.js';
import { positiveNumber, runJsonChild } from '../process/json-child-process.js';
import type { TrainingThroughput, TrainingThroughputOptions } from './training-throughput.js';

/** What the parent passes to training-child.js, as JSON in its one argument. */
export interface TrainingChildRequest {
  readonly backend: BackendChoice;
  readonly options: TrainingThroughputOptions;
}

export interface IsolatedTrainingThroughput extends TrainingThroughput {
  /** The child process's max RSS. */
  readonly peakRssMiB: number;
}

/** The compiled child script, beside this module in dist/bench/. */
const CHILD_SCRIPT = fileURLToPath(new URL('./training-child.js', import.meta.url));

export async function measureTrainingThroughputInChild(backend: BackendChoice, options: TrainingThroughputOptions): Promise<IsolatedTrainingThroughput> {
  const request: TrainingChildRequest = { backend, options };
  const label = `mlpx's training of ${options.model} on ${backend} (in a child process)`;
  const { value } = await runJsonChild(process.execPath, [CHILD_SCRIPT, JSON.stringify(request)], { label });
  positiveNumber(value, 'imagesPerSec', label);
  positiveNumber(value, 'peakRssMiB', label);
  return value as IsolatedTrainingThroughput;
}
