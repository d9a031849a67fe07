/**
 * Resume on a folder: dataset, whose --limit and validation split are drawn from the run's seed:
 * the resumed run gets the original split (its validation losses are the uninterrupted run's).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainSettings } from '@mlpx/train/src/training/recipe.js';
import { resumeRun, RunStopped, trainRun } from '@mlpx/train/src/run/train-run.js';
import { useBackend } from '../../helpers/backend.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';
import { writeImageFolder } from '../../helpers/image-folder-fixture.js';

useBackend('wasm');

let work: Awaited<ReturnType<typeof tempDir>>;
let settings: TrainSettings;
beforeAll(async () => {
  work = await tempDir();
  const photos = join(work.path, 'photos');
  await writeImageFolder(photos, { circle: 40, square: 30, triangle: 50 });
  settings = {
    dataset: `folder:${photos}`,
    model: 'mixer',
    architecture: { imageSize: 16, patchSize: 4, embeddingDim: 16, blocks: 1, dropout: 0.1, gelu: 'exact', augment: true },
    epochs: 2,
    batchSize: 16,
    learningRate: 0.005,
    weightDecay: 1e-4,
    validationSplit: 0.1,
    seed: 11,
    backend: 'wasm',
    limit: 90,
    folderImageSize: 8,
  };
}, 60_000);
afterAll(async () => {
  await work?.remove();
});

describe('resume on a folder: dataset', () => {
  it('validates on the same images as the uninterrupted run', async () => {
    const uninterrupted = await trainRun(settings, {}, join(work.path, 'uninterrupted'));
    // 90 images: 81 train (6 steps an epoch), 9 validate; stop in the middle of epoch 2.
    expect(uninterrupted.metrics.dataset).toMatchObject({ trainImages: 81, validationImages: 9 });
    let taken = 0;
    const folder = join(work.path, 'stopped');
    const stopped = await trainRun(settings, { onStep: () => taken++, stopRequested: () => taken >= 8 }, folder).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(RunStopped);

    const resumed = await resumeRun(folder);
    expect(resumed.metrics.dataset).toEqual(uninterrupted.metrics.dataset);
    expect(resumed.metrics.history.map((h) => h.valLoss)).toEqual(uninterrupted.metrics.history.map((h) => h.valLoss));
    expect(resumed.metrics.history.map((h) => h.loss)).toEqual(uninterrupted.metrics.history.map((h) => h.loss));
    expect(resumed.metrics.test).toMatchObject({ accuracy: uninterrupted.metrics.test.accuracy, loss: uninterrupted.metrics.test.loss });
  });
});
