/**
 * A gradient worker of data-parallel training (worker_threads): holds a replica of the model on
 * its own TensorFlow.js backend and, each step, computes the gradients of its slice of the batch
 * with the weights and random state the training thread sends (data-parallel-step.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../backends/select-backend.js';
import '../layers/index.js';
import { randomSource } from '../layers/random-source.js';
import { gradientsOfSlice } from '../training/train-step.js';
import type { WorkerReply, WorkerRequest } from './messages.js';

if (!parentPort) throw new Error('gradient-worker.js runs as a worker thread of data-parallel training');
const port = parentPort;

let model: tf.LayersModel | undefined;
let variables: tf.Variable[] = [];

/** The model from its topology; a layer class nothing registered here is named, with the way to register it. */
async function rebuild(topology: object): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  } catch (error) {
    const unknown = /Unknown layer: (\w+)/.exec(error instanceof Error ? error.message : String(error));
    if (!unknown) throw error;
    throw new Error(
      `the worker threads do not know the layer class ${unknown[1]}: give its model family a module that registers it (ModelFamily.module), or train with threads: 1`,
    );
  }
}

async function init(request: Extract<WorkerRequest, { type: 'init' }>): Promise<void> {
  // A backend that splits steps (checkDataParallelBackend checked it), as the training thread selected it.
  await selectBackend(request.backend as BackendChoice);
  // The layer classes of families from outside @mlpx/train register themselves when imported.
  for (const module of request.modules) await import(module);
  const { weights } = request;
  model = await rebuild(request.topology);
  tf.tidy(() => model!.setWeights(model!.weights.map((w, i) => tf.tensor(weights[i]!, w.shape as number[]))));
  variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
}

function step(request: Extract<WorkerRequest, { type: 'step' }>): WorkerReply {
  if (!model) throw new Error('the gradient worker got a step before init');
  tf.tidy(() => variables.forEach((variable, i) => variable.assign(tf.tensor(request.weights[i]!, variable.shape))));
  randomSource.restore(request.random);
  const images = tf.tensor4d(request.images, request.shape);
  const labels = tf.tensor1d(request.labels, 'int32');
  try {
    const { grads, totals } = gradientsOfSlice(model, variables, images, labels, request.slice);
    const reply: WorkerReply = { type: 'gradients', grads: grads.map((g) => g.dataSync() as Float32Array), totals: totals.dataSync() as Float32Array };
    tf.dispose([...grads, totals]);
    return reply;
  } finally {
    tf.dispose([images, labels]);
  }
}

port.on('message', (request: WorkerRequest) => {
  void (async () => {
    try {
      const reply = request.type === 'init' ? (await init(request), { type: 'ready' as const }) : step(request);
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply);
    }
  })();
});
