/**
 * AdamW's host update (native TensorFlow on the CPU: adamw-on-host.ts) gives the tensor update's
 * weights and moments bit for bit: checked against the tensor update on the cpu backend, and
 * AdamW on tensorflow (which takes the host path) against AdamW on cpu, over steps whose
 * gradients span tiny to large.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '../../../packages/train/src/backend/select-backend.js';
import { AdamW } from '../../../packages/train/src/training/adamw.js';
import { adamWStepOnHost } from '../../../packages/train/src/training/adamw-on-host.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

const SIZE = 20_000;
const STEPS = 6;

/** Seeded weights and per-step gradients, as plain arrays (the same on every backend). */
function problem(): { weights: Float32Array; gradients: Float32Array[] } {
  let state = 7;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const weights = Float32Array.from({ length: SIZE }, () => uniform() * 0.2);
  const gradients = Array.from({ length: STEPS }, (_, step) => Float32Array.from({ length: SIZE }, () => uniform() * 10 ** (step % 3 === 0 ? -4 : step % 3 === 1 ? 0 : 2)));
  return { weights, gradients };
}

/** AdamW on the active backend over the problem's steps: the final weights and moments. */
async function trainOnBackend(): Promise<{ weights: Float32Array; m: Float32Array; v: Float32Array }> {
  const { weights, gradients } = problem();
  const variable = tf.variable(tf.tensor1d(weights));
  const optimizer = new AdamW({ learningRate: 3e-3, weightDecay: 1e-4 });
  for (const gradient of gradients) tf.tidy(() => optimizer.applyGradients([variable], [tf.tensor1d(gradient)]));
  const state = await optimizer.exportState([variable]);
  const result = { weights: (await variable.data()) as Float32Array, m: state.m[0]!, v: state.v[0]! };
  optimizer.dispose();
  variable.dispose();
  return result;
}

it("adamWStepOnHost gives the tensor update's values bit for bit (cpu backend)", async () => {
  await selectBackend('cpu');
  const onCpu = await trainOnBackend();
  const { weights, gradients } = problem();
  const m = new Float32Array(SIZE);
  const v = new Float32Array(SIZE);
  gradients.forEach((gradient, i) => {
    const t = i + 1;
    const stepSize = (3e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    adamWStepOnHost(weights, gradient, m, v, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 1e-4, stepSize });
  });
  expect(weights).toEqual(onCpu.weights);
  expect(m).toEqual(onCpu.m);
  expect(v).toEqual(onCpu.v);
});

describeWithTensorflow('AdamW on tensorflow', () => {
  it("updates on the host to the cpu backend's tensor update, bit for bit, and exports its moments", async () => {
    await selectBackend('cpu');
    const onCpu = await trainOnBackend();
    await selectBackend('tensorflow');
    const onTensorflow = await trainOnBackend();
    expect(onTensorflow.weights).toEqual(onCpu.weights);
    expect(onTensorflow.m).toEqual(onCpu.m);
    expect(onTensorflow.v).toEqual(onCpu.v);
  });
});
