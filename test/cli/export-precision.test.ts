/**
 * `mlpx export --precision int8 | fp16` as a user runs it, on a run trained by `mlpx train`: the
 * accuracy gate on the test images training measured (what is written, what is refused and by how
 * much), the metadata it records, `mlpx eval`'s one-sided check of such a model, and the sizes.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_KEYS, type PrecisionMetadata } from '@mlpx/core/src/onnx/contract.js';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { readModel } from '@mlpx/infer/src/model/read-model.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { checkOnnxModel } from '../helpers/onnx-checker.js';
import { runCli, STACK_LINE, trainTiny } from '../helpers/run-cli.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let run: string;

beforeAll(async () => {
  work = await tempDir();
  run = join(work.path, 'run');
  await trainTiny(work.path, run, [
    '--model',
    'gmlp',
    '--limit',
    '600',
    '--epochs',
    '2',
    '--image-size',
    '28',
    '--patch-size',
    '4',
    '--embedding-dim',
    '32',
    '--blocks',
    '1',
  ]);
}, 180_000);
afterAll(async () => {
  await work.remove();
});

async function precisionOf(path: string): Promise<PrecisionMetadata> {
  const model = await readModel(path);
  expect(model.precision).toBeDefined();
  return model.precision!;
}

describe('mlpx export --precision', () => {
  it('int8: calibrates on training images, passes the accuracy gate, records it, and is smaller than the fp32 file', async () => {
    const fp32 = await runCli(['export', '--run', run, 'fp32.onnx'], { cwd: work.path });
    expect(fp32.code, fp32.stderr).toBe(0);
    const result = await runCli(['export', '--run', run, '--precision', 'int8', '--calibration', '200', 'int8.onnx'], { cwd: work.path });
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^wrote int8\.onnx: int8, opset 17, \d+ nodes/m);
    expect(result.stdout).toMatch(
      /calibrated on 200 training images \(each activation's min and max\); accuracy gate passed: top-1 [\d.]+% on the (\d+) fashion-mnist-sample test images training measured, trained [\d.]+%/,
    );
    const path = join(work.path, 'int8.onnx');
    const bytes = new Uint8Array(await readFile(path));
    await checkOnnxModel(bytes);
    const precision = await precisionOf(path);
    expect(precision.precision).toBe('int8');
    expect(precision.calibration).toEqual({ dataset: 'fashion-mnist-sample', split: 'train', firstIndex: 0, images: 200, method: 'minmax' });
    expect(precision.layers).toEqual({ MatMulIntegerToFloat: 5, MatMul: 1 }); // patch embedding, the channel projections (u, v, back), head; the spatial projection in float32
    expect(precision.accuracy.images).toBe(Number(/on the (\d+) fashion-mnist-sample/.exec(result.stdout)![1]));
    expect(precision.accuracy.maxDrop).toBe(0.005);
    expect(precision.accuracy.top1).toBeGreaterThanOrEqual(precision.accuracy.trainedTop1 - 0.005);
    // A model this small is mostly metadata and float32 biases; the seed configuration's sizes are checked in test/export/precision/sizes.test.ts.
    expect((await stat(path)).size).toBeLessThan((await stat(join(work.path, 'fp32.onnx'))).size);
    expect(summarizeOnnx(bytes).metadata[METADATA_KEYS.training]).toBeDefined();
  }, 120_000);

  it('refuses an int8 model that misses the gate, says by how much, and writes nothing', async () => {
    // A calibration range a thousandth of the measured one saturates every quantized activation.
    const result = await runCli(['export', '--run', run, '--precision', 'int8', 'refused.onnx'], {
      cwd: work.path,
      env: { MLPX_TEST_CALIBRATION_RANGE_SCALE: '0.001' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).toMatch(
      /the int8 model misses the accuracy gate: top-1 [\d.]+% on the (\d+) fashion-mnist-sample test images training measured, [\d.]+ points below the trained [\d.]+%, [\d.]+ points more than --max-accuracy-drop 0\.50 allows; refused\.onnx was not written/,
    );
    expect((await readdir(work.path)).filter((f) => f.includes('refused'))).toEqual([]);
  }, 120_000);

  it('a larger --max-accuracy-drop lets the same model through', async () => {
    const result = await runCli(['export', '--run', run, '--precision', 'int8', '--max-accuracy-drop', '100', 'loose.onnx'], {
      cwd: work.path,
      env: { MLPX_TEST_CALIBRATION_RANGE_SCALE: '0.001' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect((await precisionOf(join(work.path, 'loose.onnx'))).accuracy.maxDrop).toBe(1);
    // mlpx eval holds the model to the drop its export allowed: here anything.
    const evaluated = await runCli(['eval', '--model', 'loose.onnx'], { cwd: work.path });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/agrees: top-1 is [\d.]+ points below training, within the 100\.00 points int8 may lose/);
    // --accuracy-tolerance asks for the fp32 check instead, which a saturated model fails.
    const strict = await runCli(['eval', '--model', 'loose.onnx', '--accuracy-tolerance', '0.5'], { cwd: work.path });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/DISAGREES: top-1 differs by [\d.]+ points \(tolerance 0\.5\)/);
  }, 120_000);

  it('mlpx eval of a gated int8 model: one-sided, within the drop the export allowed', async () => {
    const result = await runCli(['eval', '--model', 'int8.onnx'], { cwd: work.path });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^deployed \(ONNX Runtime, cpu, int8\): top-1 [\d.]+%/m);
    expect(result.stdout).toMatch(/agrees: top-1 is (the same as|[\d.]+ points (below|above)) training, within the 0\.50 points int8 may lose/);
  }, 60_000);

  it('fp16: float32 in and out, float16 weights, passes the gate, smaller than the fp32 file', async () => {
    const result = await runCli(['export', '--run', run, '--precision', 'fp16', 'fp16.onnx'], { cwd: work.path });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^wrote fp16\.onnx: fp16, opset 17/m);
    expect(result.stdout).toMatch(/^accuracy gate passed: top-1 [\d.]+% on the (\d+) fashion-mnist-sample test images/m);
    const precision = await precisionOf(join(work.path, 'fp16.onnx'));
    expect(precision.precision).toBe('fp16');
    expect(precision.calibration).toBeUndefined();
    expect((await stat(join(work.path, 'fp16.onnx'))).size).toBeLessThan((await stat(join(work.path, 'fp32.onnx'))).size);
    const evaluated = await runCli(['eval', '--model', 'fp16.onnx'], { cwd: work.path });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/fp16 may lose/);
  }, 120_000);

  it('fp32 keeps its check against TensorFlow.js and records no precision', async () => {
    const model = await readModel(join(work.path, 'fp32.onnx'));
    expect(model.precision).toBeUndefined();
  });

  it('says what a bad flag is', async () => {
    const result = await runCli(['export', '--run', run, '--precision', 'int4', 'x.onnx'], { cwd: work.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--precision <p>' argument 'int4' is invalid: allowed choices are fp32, int8, fp16/);
    const triton = await runCli(['export', '--run', run, '--precision', 'int8', '--triton', 'repo'], { cwd: work.path });
    expect(triton.code).toBe(1);
    expect(triton.stderr).toMatch(/--precision int8 does not combine with --triton yet/);
  });
});
