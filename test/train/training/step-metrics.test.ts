/**
 * The steps' metrics on webgpu are read back together, not once a step: steps added within the
 * read interval cost no readback, one read brings them all back in one, and the totals and the
 * step a diverging loss is reported at are those of reading every step.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MlpxError } from '@mlpx/core/src/errors.js';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { runFlatProgram } from '@mlpx/train/src/backends/webgpu/flat-program.js';
import { countWebgpuWork } from '@mlpx/train/src/bench/webgpu-step-counters.js';
import { emptyTotals } from '@mlpx/train/src/training/metrics.js';
import { StepMetrics } from '@mlpx/train/src/training/step-metrics.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';

useSwiftShader();

/** Step i's [lossSum, correct, top5Correct] = [10 + i, i, 2i], computed on the GPU as a step's are. */
function stepValues(i: number): tf.Tensor1D {
  return runFlatProgram(
    {
      key: 'test_step_values',
      inputs: [],
      size: 3,
      uniforms: [{ name: 'step', type: 'f32', value: i }],
      body: 'setOutputAtIndex(index, select(select(2.0 * uniforms.step, uniforms.step, index == 1), 10.0 + uniforms.step, index == 0));',
    },
    [],
  );
}

describe('StepMetrics on webgpu', () => {
  it('reads the steps of one interval back in one readback, with the totals of reading each', async () => {
    await selectBackend('webgpu');
    const totals = emptyTotals();
    const metrics = new StepMetrics(totals, 1);
    const fresh = [1, 2, 3, 4].map(stepValues);
    const counter = countWebgpuWork();
    const readNow: boolean[] = [];
    for (const [i, values] of fresh.entries()) readNow.push(await metrics.add(values, 8, i + 1));
    expect(readNow).toEqual([false, false, false, false]);
    expect(counter.snapshot().readbacks).toBe(0);
    await metrics.read();
    expect(counter.snapshot().readbacks).toBe(1);
    counter.stop();
    expect(totals.count).toBe(32);
    expect(totals.lossSum).toBeCloseTo(11 + 12 + 13 + 14, 5);
    expect(totals.correct).toBe(1 + 2 + 3 + 4);
  }, 60_000);

  it('names the step whose loss diverged, among those read together', async () => {
    await selectBackend('webgpu');
    const metrics = new StepMetrics(emptyTotals(), 3);
    await metrics.add(stepValues(1), 8, 1);
    await metrics.add(tf.tidy(() => tf.div(stepValues(0), tf.sub(stepValues(0), stepValues(0)))) as tf.Tensor1D, 8, 2);
    await metrics.add(stepValues(3), 8, 3);
    const error = await metrics.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlpxError);
    expect((error as Error).message).toBe('training diverged: the loss became Infinity at epoch 3, step 2; try a lower --lr');
  }, 60_000);
});
