/**
 * Data-parallel training on CPU backends: tfjs's wasm backend runs on one thread in Node, so a
 * step uses one core. With `threads` > 1, each step splits the batch: this thread computes the
 * gradients of the first part while gradient workers (worker_threads, each with its own wasm
 * backend and replica of the model) compute the others; the parts' gradients are summed and one
 * AdamW update is applied here. Each worker gets the current weights and the random stream's
 * state every step, and per-example random draws are the same however the batch is split
 * (random-source.ts), so a step gives the same result as on one thread, up to rounding
 * (test/train/training/data-parallel.test.ts).
 *
 *   const parallel = await DataParallelTrainStep.start(model, 2);
 *   const totals = await parallel.step(optimizer, variables, images, labels);
 *   await parallel.close();
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { MlpxError } from '@mlpx/core';
import { backendsWhere, backendTraits } from '../backend-api/backend-traits.js';
import { randomSource } from '../layers/random-source.js';
import { modelFamilies } from '../models/model-families.js';
import type { AdamW } from '../training/adamw.js';
import { gradientsOfSlice, type SliceGradients } from '../training/train-step.js';
import type { WorkerReply, WorkerRequest } from './messages.js';

/** The backends that split steps across threads (their dataParallelSteps trait: the host backends). */
function dataParallelBackends(): string[] {
  return backendsWhere((traits) => traits.dataParallelSteps);
}

/** The most threads `auto` picks, and the fewest examples a thread gets. */
const MAX_AUTO_THREADS = 4;
const MIN_EXAMPLES_PER_THREAD = 16;

/**
 * How many threads a training step uses when the user does not say: one per core (at most 4) on
 * the backends that split steps (the dataParallelSteps trait: the CPU backends), if the batch gives each
 * at least 16 examples; 1 elsewhere. It asks the backends' declared traits, which selectBackend
 * declares: call it once a backend is selected.
 */
export function autoThreads(backend: string, batchSize: number): number {
  if (!backendTraits(backend).dataParallelSteps) return 1;
  return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_THREADS, Math.floor(batchSize / MIN_EXAMPLES_PER_THREAD)));
}

/** Throws, naming the flag, when `threads` > 1 is asked of a backend that does not split steps (as autoThreads, once a backend is selected). */
export function checkDataParallelBackend(backend: string, threads: number): void {
  if (threads > 1 && !backendTraits(backend).dataParallelSteps) {
    throw new MlpxError(
      `--threads ${threads}: data-parallel training runs on ${dataParallelBackends().join(' or ')}, not ${backend} (which parallelises inside each op); drop --threads`,
    );
  }
}

/** The compiled worker, found through the package's exports (so that tests running the TypeScript sources use the build). */
function workerFile(): string {
  return createRequire(import.meta.url).resolve('@mlpx/train/gradient-worker');
}

class GradientWorker {
  private readonly worker: Worker;
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;

  constructor() {
    this.worker = new Worker(workerFile());
    this.worker.on('message', (reply: WorkerReply) => this.settle((p) => p.resolve(reply)));
    this.worker.on('error', (error) => this.settle((p) => p.reject(error)));
    this.worker.on('exit', (code) =>
      this.settle((p) => p.reject(new MlpxError(`a data-parallel training thread exited with code ${code} (--threads 1 trains on one thread)`))),
    );
  }

  private settle(action: (pending: NonNullable<GradientWorker['pending']>) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }

  async request(message: WorkerRequest): Promise<WorkerReply> {
    if (this.pending) throw new Error('a gradient worker got a second request before answering the first');
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
    if (reply.type === 'error') {
      throw new MlpxError(`data-parallel training failed in a worker thread: ${reply.message.split('\n')[0]} (--threads 1 trains on one thread)`);
    }
    return reply;
  }

  async terminate(): Promise<void> {
    this.pending = undefined;
    await this.worker.terminate();
  }
}

/** Splits `total` examples into `parts` contiguous runs as equal as possible: [offset, count][]. */
export function splitBatch(total: number, parts: number): [number, number][] {
  const runs: [number, number][] = [];
  let offset = 0;
  for (let i = 0; i < parts; i++) {
    const count = Math.floor(total / parts) + (i < total % parts ? 1 : 0);
    if (count > 0) runs.push([offset, count]);
    offset += count;
  }
  return runs;
}

export class DataParallelTrainStep {
  private constructor(
    private readonly model: tf.LayersModel,
    private readonly workers: GradientWorker[],
  ) {}

  /** Starts threads - 1 workers holding replicas of `model` on the active backend. */
  static async start(model: tf.LayersModel, threads: number): Promise<DataParallelTrainStep> {
    if (!Number.isInteger(threads) || threads < 2) throw new RangeError(`data-parallel training needs 2 or more threads, got ${threads}`);
    // The workers select the same backend, by its name.
    const backend = tf.getBackend();
    checkDataParallelBackend(backend, threads);
    const workers = Array.from({ length: threads - 1 }, () => new GradientWorker());
    const init: WorkerRequest = {
      type: 'init',
      topology: model.toJSON(null, false) as object,
      weights: model.weights.map((w) => w.read().dataSync() as Float32Array),
      backend,
      modules: modelFamilies().flatMap((family) => (family.module === undefined ? [] : [family.module])),
    };
    try {
      await Promise.all(workers.map((w) => w.request(init)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new DataParallelTrainStep(model, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** The whole batch's gradients (summed over the threads' slices) and [lossSum, correct, top5Correct]. */
  async gradients(variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): Promise<SliceGradients> {
    const [total, height, width, channels] = images.shape;
    const runs = splitBatch(total, this.threads);
    const random = randomSource.state();
    const weights = variables.map((v) => v.dataSync() as Float32Array);
    const pixels = images.dataSync() as Float32Array;
    const labelValues = labels.dataSync() as Int32Array;
    const imageSize = height * width * channels;
    // The workers start on their slices before this thread computes its own, the first.
    const replies = runs.slice(1).map(([offset, count], i) =>
      this.workers[i]!.request({
        type: 'step',
        weights,
        random,
        images: pixels.slice(offset * imageSize, (offset + count) * imageSize),
        shape: [count, height, width, channels],
        labels: labelValues.slice(offset, offset + count),
        slice: { offset, total },
      }),
    );
    const [, ownCount] = runs[0]!;
    const own = tf.tidy(() => {
      const ownImages = tf.slice(images, [0, 0, 0, 0], [ownCount, height, width, channels]);
      const ownLabels = tf.slice(labels, [0], [ownCount]);
      const result = gradientsOfSlice(this.model, variables, ownImages, ownLabels, { offset: 0, total });
      return [...result.grads, result.totals];
    });
    const others = await Promise.all(replies);
    const ownGrads = own.slice(0, -1);
    const ownTotals = own[own.length - 1] as tf.Tensor1D;
    if (others.length === 0) return { grads: ownGrads, totals: ownTotals };
    const summed = tf.tidy(() => {
      let grads = ownGrads;
      let totals = ownTotals;
      for (const reply of others) {
        if (reply.type !== 'gradients') throw new Error(`a gradient worker answered '${reply.type}' to a step`);
        grads = grads.map((g, i) => tf.add(g, tf.tensor(reply.grads[i]!, g.shape)));
        totals = tf.add(totals, tf.tensor1d(reply.totals));
      }
      return { grads, totals };
    });
    tf.dispose(own);
    return summed;
  }

  /** One AdamW step on the whole batch; returns its [lossSum, correct, top5Correct]. */
  async step(optimizer: AdamW, variables: readonly tf.Variable[], images: tf.Tensor4D, labels: tf.Tensor1D): Promise<tf.Tensor1D> {
    const { grads, totals } = await this.gradients(variables, images, labels);
    optimizer.applyGradients(variables, grads);
    tf.dispose(grads);
    return totals;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
