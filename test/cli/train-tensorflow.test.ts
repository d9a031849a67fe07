/**
 * `mlpx train --backend tensorflow` as a user runs it, on the engine `mlpx setup tensorflow`
 * built: all three models train (each step as one TensorFlow graph) and say which TensorFlow they
 * ran on, and a tensorflow-trained run exports and verifies against ONNX Runtime.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import type { RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { runCli, STACK_LINE } from '../helpers/run-cli.js';
import { describeWithTensorflow, tensorflowInstall } from '../helpers/tensorflow.js';

const TINY = [
  '--dataset',
  'fashion-mnist-sample',
  '--limit',
  '320',
  '--epochs',
  '2',
  '--image-size',
  '28',
  '--patch-size',
  '7',
  '--embedding-dim',
  '16',
  '--blocks',
  '1',
  '--batch-size',
  '32',
];

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describeWithTensorflow('mlpx train --backend tensorflow', () => {
  for (const model of MODEL_NAMES) {
    it(`${model} trains on TensorFlow, says so, and learns`, async () => {
      const out = join(work.path, model);
      const result = await runCli(['train', '--backend', 'tensorflow', '--model', model, ...TINY, '--out', out], { cwd: work.path });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`backend: tensorflow (TensorFlow ${tensorflowInstall?.tensorflowVersion ?? ''}`);
      expect(result.stderr).toMatch(/set up by mlpx\) on the (CPU|GPU)/);
      expect(result.stderr).not.toMatch(STACK_LINE);
      // Each step ran as the recorded graph: no fallback to op by op was announced.
      expect(result.stderr).not.toContain('op by op');
      // Nor TensorFlow's start-up log lines (TF_CPP_MIN_LOG_LEVEL=2, mlpx's default).
      expect(result.stderr).not.toMatch(/absl::InitializeLog|oneDNN custom operations/);
      const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
      expect(metrics.backend).toMatchObject({ name: 'tensorflow' });
      expect(metrics.history).toHaveLength(2);
      expect(metrics.history[1]!.loss).toBeLessThan(metrics.history[0]!.loss);
    }, 120_000);
  }

  it('a tensorflow-trained run exports, and the export verifies against ONNX Runtime', async () => {
    const model = join(work.path, 'gmlp.onnx');
    const result = await runCli(['export', '--run', join(work.path, 'gmlp'), model], { cwd: work.path });
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/verified/i);
  }, 120_000);
});
