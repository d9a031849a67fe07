/**
 * The resume tests, for one backend: a run stopped (after an epoch, or in the middle of one) and
 * resumed from its checkpoint ends with the weights and history of an uninterrupted run on the
 * same backend, and a history.csv with each epoch once. test/train/checkpoint/resume*.test.ts run
 * it on wasm and on tensorflow.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readCheckpoint } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import { HISTORY_CSV } from '@mlpx/train/src/run/history-csv.js';
import { loadModel } from '@mlpx/train/src/run/model-files.js';
import type { TrainSettings } from '@mlpx/train/src/training/recipe.js';
import { resumeRun, RunStopped, trainRun } from '@mlpx/train/src/run/train-run.js';
import { expectClose } from './closeness.js';
import { tempDir } from './dataset-fixtures.js';

/** The data rows of a run's history.csv. */
function historyRows(folder: string): string[] {
  return readFileSync(join(folder, HISTORY_CSV), 'utf8').trimEnd().split('\n').slice(1);
}

async function finalWeights(folder: string): Promise<Float32Array[]> {
  const model = await loadModel(folder);
  const values = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
  model.dispose();
  return values;
}

/**
 * A small gMLP run to interrupt and resume: 288 training images (320 less the validation tenth),
 * 9 steps an epoch, 3 epochs.
 */
export function interruptibleRun(backend: 'wasm' | 'tensorflow'): TrainSettings {
  return {
    dataset: 'fashion-mnist-sample',
    model: 'gmlp',
    architecture: { imageSize: 28, patchSize: 7, embeddingDim: 16, blocks: 1, dropout: 0.2, gelu: 'exact', augment: true },
    epochs: 3,
    batchSize: 32,
    learningRate: 0.003,
    weightDecay: 1e-4,
    validationSplit: 0.1,
    seed: 7,
    backend,
    limit: 320,
  };
}

/** Registers the resume tests (inside the caller's describe) for runs on `backend`. */
export function resumeTests(backend: 'wasm' | 'tensorflow'): void {
  const settings = interruptibleRun(backend);
  let work: Awaited<ReturnType<typeof tempDir>>;
  let reference: Float32Array[];
  let referenceHistory: number[];

  beforeAll(async () => {
    work = await tempDir();
    const run = await trainRun(settings, {}, join(work.path, 'uninterrupted'));
    reference = await finalWeights(run.folder);
    referenceHistory = run.metrics.history.map((h) => h.loss);
  }, 120_000);
  afterAll(async () => {
    await work?.remove();
  });

  async function stopAfterSteps(folder: string, steps: number): Promise<RunStopped> {
    let taken = 0;
    const error = await trainRun(settings, { onStep: () => taken++, stopRequested: () => taken >= steps }, folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStopped);
    return error as RunStopped;
  }

  for (const [name, steps] of [
    ['after an epoch', 9],
    ['in the middle of an epoch', 13],
  ] as const) {
    it(`${name}: the resumed run ends with the uninterrupted run's weights`, async () => {
      const folder = join(work.path, name.replace(/\W+/g, '-'));
      const stopped = await stopAfterSteps(folder, steps);
      expect(stopped.message).toMatch(/Resume with: mlpx train --resume/);
      const checkpoint = await readCheckpoint(folder);
      if (steps === 9) {
        expect(checkpoint.state.epochsDone).toBe(1); // 288 training images, 9 steps an epoch
        expect(checkpoint.state.inProgress).toBeUndefined();
      } else {
        expect(checkpoint.state.inProgress).toMatchObject({ epoch: 2, nextStep: 4 });
      }
      expect(historyRows(folder)).toHaveLength(checkpoint.state.epochsDone);
      const resumed = await resumeRun(folder);
      expect(resumed.metrics.history.map((h) => h.loss)).toEqual(referenceHistory);
      // history.csv holds every epoch once, as the uninterrupted run's does.
      expect(readFileSync(join(folder, HISTORY_CSV), 'utf8')).toBe(readFileSync(join(work.path, 'uninterrupted', HISTORY_CSV), 'utf8'));
      expect(historyRows(folder)).toHaveLength(referenceHistory.length);
      const weights = await finalWeights(folder);
      // Was `<= 1e-6`; strictly below 1e-6 now (tighter by the equality alone).
      weights.forEach((w, i) => expectClose(w, reference[i]!, { absolute: 1e-6, what: `weight ${i}` }));
      expect(tf.getBackend()).toBe(backend);
    }, 120_000);
  }

  it('refuses to resume a finished run, and names a folder without a checkpoint', async () => {
    await expect(resumeRun(join(work.path, 'uninterrupted'))).rejects.toThrow(/is a finished run/);
    await expect(resumeRun(work.path)).rejects.toThrow(/has no checkpoint\.json/);
  });
}
