/**
 * AdamW's fused WebGPU update (two shaders per weight) against its generic form on wasm: the same
 * weights, gradients and steps give the same weights and moments, and a step on webgpu is two
 * dispatches per weight with nothing uploaded. A checkpoint taken on webgpu restores on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { countWebgpuWork } from '@mlpx/train/src/bench/webgpu-step-counters.js';
import { AdamW, type AdamWState } from '@mlpx/train/src/training/adamw.js';
import { expectClose } from '../../helpers/closeness.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';

useSwiftShader();

const SHAPES = [[3, 5], [7], [4, 2, 3], [1000]];
const STEPS = 3;

function values(size: number, seed: string): Float32Array {
  const random = seedrandom.alea(seed);
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

/** STEPS updates from fixed weights and gradients; the final weights and AdamW's state. */
async function train(backend: 'wasm' | 'webgpu'): Promise<{ weights: Float32Array[]; state: AdamWState; dispatchesPerStep?: number; uploadsPerStep?: number }> {
  await selectBackend(backend);
  const variables = SHAPES.map((shape, i) =>
    tf.variable(
      tf.tensor(
        values(
          shape.reduce((a, b) => a * b),
          `w${i}`,
        ),
        shape,
      ),
    ),
  );
  const optimizer = new AdamW({ learningRate: 0.01, weightDecay: 1e-4 });
  let counts;
  for (let step = 0; step < STEPS; step++) {
    const gradients = SHAPES.map((shape, i) =>
      tf.tensor(
        values(
          shape.reduce((a, b) => a * b),
          `g${i}-${step}`,
        ),
        shape,
      ),
    );
    // The gradients are on the GPU before the counted step, as the training step's are.
    if (backend === 'webgpu') for (const g of gradients) (tf.backend() as unknown as { uploadToGPU(dataId: object): void }).uploadToGPU(g.dataId);
    const counter = backend === 'webgpu' && step === STEPS - 1 ? countWebgpuWork() : undefined;
    optimizer.applyGradients(variables, gradients);
    counts = counter?.snapshot();
    counter?.stop();
    tf.dispose(gradients);
  }
  const weights = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
  const state = await optimizer.exportState(variables);
  optimizer.dispose();
  tf.dispose(variables);
  return { weights, state, ...(counts ? { dispatchesPerStep: counts.dispatches, uploadsPerStep: counts.uploads } : {}) };
}

describe('AdamW on webgpu (fused shaders)', () => {
  it('gives the weights and moments of the generic form on wasm, in two dispatches per weight', async () => {
    const wasm = await train('wasm');
    const webgpu = await train('webgpu');
    SHAPES.forEach((_, i) => {
      expectClose(webgpu.weights[i]!, wasm.weights[i]!, { relative: 1e-5, scaleFloor: 1e-3, what: `weight ${i}` });
      expectClose(webgpu.state.m[i]!, wasm.state.m[i]!, { relative: 1e-5, scaleFloor: 1e-3, what: `m ${i}` });
      expectClose(webgpu.state.v[i]!, wasm.state.v[i]!, { relative: 1e-5, scaleFloor: 1e-4, what: `v ${i}` });
    });
    expect(webgpu.state.step).toBe(STEPS);
    expect(webgpu.dispatchesPerStep).toBe(2 * SHAPES.length);
    expect(webgpu.uploadsPerStep).toBe(0);
  }, 120_000);

  it('hands its state over between backends: a checkpoint written on webgpu resumes on wasm', async () => {
    await selectBackend('webgpu');
    const variable = tf.variable(tf.tensor(values(6, 'w'), [2, 3]));
    const optimizer = new AdamW({ learningRate: 0.01, weightDecay: 0 });
    optimizer.applyGradients([variable], [tf.tensor(values(6, 'g'), [2, 3])]);
    const state = await optimizer.exportState([variable]);
    const weights = (await variable.data()) as Float32Array;
    await selectBackend('wasm');
    const restoredVariable = tf.variable(tf.tensor(weights, [2, 3]));
    const restored = new AdamW({ learningRate: 0.01, weightDecay: 0 });
    restored.importState([restoredVariable], state);
    const again = await restored.exportState([restoredVariable]);
    expect(Array.from(again.m[0]!)).toEqual(Array.from(state.m[0]!));
    expect(Array.from(again.v[0]!)).toEqual(Array.from(state.v[0]!));
    expect(again.step).toBe(1);
  }, 60_000);
});
