/**
 * A gradient worker of data-parallel training (worker_threads): holds a replica of the model on
 * its own TensorFlow.js backend and, each step, computes the gradients of its slice of the batch
 * with the weights and random state the training thread sends (data-parallel-step.ts).
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendChoice } from '../backend/select-backend.js';
import '../layers/index.js';
import { randomSource } from '../layers/random-source.js';
import { gradientsOfSlice } from '../training/train-step.js';
import type { WorkerReply, WorkerRequest } from './messages.js';

if (!parentPort) throw new Error('gradient-worker.js runs as a worker thread of data-parallel training');
const port = parentPort;

let model: tf.LayersModel | undefined;
let variables: tf.Variable[] = [];

async function init(topology: object, weights: Float32Array[], backend: string): Promise<void> {
  // A backend that splits steps (checkDataParallelBackend checked it), as the training thread selected it.
  await selectBackend(backend as BackendChoice);
  model = await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
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
      const reply = request.type === 'init' ? (await init(request.topology, request.weights, request.backend), { type: 'ready' as const }) : step(request);
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies WorkerReply);
    }
  })();
});
