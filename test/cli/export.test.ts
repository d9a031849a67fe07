/** `mlpx export` as a user runs it: the built CLI on a run folder written by `mlpx train`. */
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import type { RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { checkOnnxModel } from '../helpers/onnx-checker.js';
import { runCli, STACK_LINE, TINY_SIZES, trainTiny } from '../helpers/run-cli.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let run: string;

beforeAll(async () => {
  work = await tempDir();
  run = join(work.path, 'runs', 'fnet-fm');
  await mkdir(join(work.path, 'runs'));
  await trainTiny(work.path, run, ['--model', 'fnet', ...TINY_SIZES]);
}, 120_000);
afterAll(async () => {
  await work.remove();
});

async function expectFailure(args: string[], message: RegExp): Promise<void> {
  const result = await runCli(['export', ...args], { cwd: work.path });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_LINE);
  // Neither the file nor a temporary file beside it.
  expect((await readdir(work.path)).filter((f) => f.includes('x.onnx'))).toEqual([]);
}

describe('mlpx export', () => {
  it('exports runs/latest, verifies it, and writes metadata', async () => {
    const result = await runCli(['export', 'model.onnx'], { cwd: work.path });
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote model\.onnx: opset 17, \d+ nodes, [\d,]+ parameters/m);
    expect(result.stdout).toMatch(/largest logit difference \d\.\d\de-\d+ .*top-1 agreement 100\.0%/);
    const bytes = new Uint8Array(await readFile(join(work.path, 'model.onnx')));
    await checkOnnxModel(bytes);
    const summary = summarizeOnnx(bytes);
    const metrics = JSON.parse(await readFile(join(run, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(JSON.parse(summary.metadata['mlpx.labels']!)).toEqual(JSON.parse(await readFile(join(run, 'labels.json'), 'utf8')));
    expect(JSON.parse(summary.metadata['mlpx.training']!).test).toEqual(metrics.test);
    expect(JSON.parse(summary.metadata['mlpx.model']!)).toMatchObject({ family: 'fnet', config: { imageSize: 32, patchSize: 8 } });
    expect(JSON.parse(summary.metadata['mlpx.preprocessing']!)).toMatchObject({
      layout: 'NHWC',
      inputShape: [28, 28, 1],
      resize: { height: 32, coordinateTransformation: 'half_pixel' },
    });
  });

  it('exports a named run at opset 13 and with the DFT operator at opset 17', async () => {
    for (const args of [
      ['--opset', '13'],
      ['--fft', 'dft'],
    ]) {
      const result = await runCli(['export', '--run', run, ...args, 'other.onnx'], { cwd: work.path });
      expect(result.code, result.stderr).toBe(0);
      const summary = summarizeOnnx(new Uint8Array(await readFile(join(work.path, 'other.onnx'))));
      expect(summary.opset).toBe(args[0] === '--opset' ? 13 : 17);
      expect(summary.operators['DFT'] ?? 0).toBe(args[0] === '--fft' ? 2 : 0);
    }
  });
});

describe('mlpx export with bad input: one clear message, exit 1, no file', () => {
  it('an opset outside 13 to 21', () => expectFailure(['--opset', '12', 'x.onnx'], /--opset.*13 to 21/));
  it('--fft dft below opset 17', () => expectFailure(['--opset', '13', '--fft', 'dft', 'x.onnx'], /--fft dft needs --opset 17/));
  it('a run folder without a model', async () => {
    await mkdir(join(work.path, 'empty-run'), { recursive: true });
    await expectFailure(['--run', 'empty-run', 'x.onnx'], /empty-run has no model\.json/);
  });
  it('no runs/latest', async () => {
    const elsewhere = join(work.path, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const result = await runCli(['export', 'x.onnx'], { cwd: elsewhere });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run folder runs\/latest does not exist \(train a model first/);
  });
  it('a model with NaN weights', async () => {
    const broken = join(work.path, 'nan-run');
    await cp(run, broken, { recursive: true });
    const weights = await readFile(join(broken, 'weights.bin'));
    new Float32Array(weights.buffer, weights.byteOffset, weights.byteLength / 4).fill(Number.NaN, 100, 200);
    await writeFile(join(broken, 'weights.bin'), weights);
    await expectFailure(['--run', broken, 'x.onnx'], /non-finite weight/);
  });
  it('an output path that cannot be written', () => expectFailure(['--run', run, join(work.path, 'no', 'such', 'folder', 'x.onnx')], /cannot write .*x\.onnx/));
  it('an export that disagrees with TensorFlow.js leaves no file', () =>
    expectFailure(['--run', run, '--tolerance', '1e-15', 'x.onnx'], /disagrees with TensorFlow\.js.*x\.onnx was not written/s));
});
