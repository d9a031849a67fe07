/**
 * A 3-class folder: dataset through the CLI as a user runs it: `mlpx train --limit` keeps every
 * class and says how many of each, and train, eval and infer report top-3, not top-5.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { writeImageFolder } from '../helpers/image-folder-fixture.js';
import { runCli, STACK_LINE } from '../helpers/run-cli.js';

/** An engine folder where `mlpx setup tensorflow` never ran: --backend auto and tensorflow see no engine. */
const NO_TENSORFLOW = { MLPX_TENSORFLOW_DIR: join(tmpdir(), 'mlpx-test-no-engine') };
const TINY = ['--image-size', '16', '--patch-size', '4', '--embedding-dim', '16', '--blocks', '1', '--batch-size', '16', '--epochs', '2'];

let work: Awaited<ReturnType<typeof tempDir>>;
let photos: string;
let run: string;
let trained: Awaited<ReturnType<typeof runCli>>;
beforeAll(async () => {
  work = await tempDir();
  photos = join(work.path, 'photos');
  // 201 images, 67 a class, in class order on disk; 6 of each are held out as the test split.
  await writeImageFolder(photos, { circle: 67, square: 67, triangle: 67 });
  run = join(work.path, 'run');
  // --load-size other than the default 32: eval must load the folder at the model's size.
  trained = await runCli(['train', '--dataset', `folder:${photos}`, '--load-size', '24', '--limit', '100', ...TINY, '--out', run], {
    cwd: work.path,
    env: NO_TENSORFLOW,
  });
}, 120_000);
afterAll(async () => {
  await work.remove();
});

describe('mlpx train on a 3-class folder: dataset', () => {
  it('--limit keeps every class and says how many of each', async () => {
    expect(trained.stderr).not.toMatch(STACK_LINE);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toContain(
      `limit 100: kept 34 circle, 33 square, 33 triangle of the 183 training images of folder:${photos} (each class in proportion)`,
    );
    const metrics = JSON.parse(await readFile(join(run, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.dataset).toMatchObject({ numClasses: 3, trainImages: 90, validationImages: 10 });
    expect(metrics.test.images).toBe(18);
  });

  it('--input-size, the old name of --load-size, still works and says it was renamed', async () => {
    const old = join(work.path, 'old-flag');
    const result = await runCli(['train', '--dataset', `folder:${photos}`, '--input-size', '20', '--limit', '30', ...TINY, '--epochs', '1', '--out', old], {
      cwd: work.path,
      env: NO_TENSORFLOW,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.split('\n').filter((line) => line.includes('--input-size'))).toEqual([
      'mlpx train: --input-size is renamed --load-size (images resized as loaded); the old name still works',
    ]);
    const metrics = JSON.parse(await readFile(join(old, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.dataset.inputShape).toEqual([20, 20, 3]);
  });

  it('reports top-3, not top-5', async () => {
    expect(trained.stderr).toMatch(/epoch 2\/2 .* top3 [\d.]+% .* val_top3 [\d.]+%/);
    expect(trained.stdout).toMatch(/test: [\d.]+% top-1, [\d.]+% top-3 on the first 18 folder:.* test images/);
    expect(`${trained.stdout}${trained.stderr}`).not.toMatch(/top-?5/);
    expect(await readFile(join(run, 'curves.svg'), 'utf8')).toContain('>val top-3<');
  });
});

describe('mlpx eval and infer of the 3-class model', () => {
  let model: string;
  beforeAll(async () => {
    model = join(work.path, 'model.onnx');
    const exported = await runCli(['export', '--run', run, model], { cwd: work.path });
    expect(exported.code, exported.stderr).toBe(0);
  }, 120_000);

  it('eval compares top-1 and top-3 on the test images training measured', async () => {
    const result = await runCli(['eval', '--model', model], { cwd: work.path });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/deployed \(ONNX Runtime, cpu\): +top-1 [\d.]+%, top-3 [\d.]+% on the first 18 folder:/);
    expect(result.stdout).toMatch(/trained \(TensorFlow\.js\): +top-1 [\d.]+%, top-3 [\d.]+% on the same images/);
    expect(result.stdout).toMatch(/^agrees/m);
    expect(result.stdout).not.toMatch(/top-5/);
  });

  it('infer lists every class, not five, by default', async () => {
    const result = await runCli(['infer', '--model', model, '--format', 'csv', join(photos, 'triangle', '000.png')], { cwd: work.path });
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.trim().split('\n').slice(1);
    expect(rows.map((row) => row.split(',')[1])).toEqual(['1', '2', '3']);
    expect(rows.map((row) => row.split(',')[2]).sort()).toEqual(['circle', 'square', 'triangle']);
  });
});
