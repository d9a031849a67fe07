/**
 * `mlpx train` on a machine like a fresh clone's CI box: the Vulkan loader installed but no GPU,
 * no native engine, no Fashion-MNIST and no network. It must fall back to the shipped sample and
 * say so, and print nothing from Dawn or Vulkan: `--backend auto` does not probe WebGPU where no
 * GPU device node exists, so no `Warning: vkCreateInstance failed` and no native `    at ...` line.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noWebgpuDeviceReason } from '@mlpx/train/src/backends/webgpu/gpu-devices.js';
import { FASHION_MNIST_SAMPLE_DIR } from '@mlpx/train/src/data/fashion-mnist-sample.js';
import type { RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { offlineFashionMnist, tempDir } from '../helpers/dataset-fixtures.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';

const TINY = ['--model', 'mixer', '--image-size', '28', '--patch-size', '7', '--embedding-dim', '16', '--blocks', '1', '--batch-size', '32', '--threads', '1'];

let work: Awaited<ReturnType<typeof tempDir>>;
let result: CliResult;
beforeAll(async () => {
  work = await tempDir();
  const env = {
    ...(await offlineFashionMnist(work.path)),
    MLPX_TENSORFLOW_DIR: join(work.path, 'no-engine'),
    // As on a machine where the user configured no Vulkan driver (tests elsewhere set SwiftShader's).
    VK_ICD_FILENAMES: '',
    VK_DRIVER_FILES: '',
  };
  result = await runCli(
    ['train', '--backend', 'auto', '--dataset', 'fashion-mnist', '--limit', '128', '--epochs', '1', ...TINY, '--out', join(work.path, 'run')],
    { cwd: work.path, env },
  );
}, 120_000);
afterAll(async () => {
  await work.remove();
});

describe('mlpx train offline with no GPU', () => {
  it('falls back to the shipped Fashion-MNIST sample and says which copy it used', async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cannot reach 127\.0\.0\.1:\d+/);
    expect(result.stderr).toContain(`using ${FASHION_MNIST_SAMPLE_DIR} (the shipped sample: the first 10,000 training and 2,000 test images)`);
    const metrics = JSON.parse(await readFile(join(work.path, 'run', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.dataset).toMatchObject({ name: 'fashion-mnist', source: FASHION_MNIST_SAMPLE_DIR });
  });

  it('prints no native Dawn or Vulkan output, and one line on why WebGPU was not used', () => {
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.stderr).not.toMatch(/vkCreateInstance|VK_ERROR/);
    if (noWebgpuDeviceReason() !== undefined) {
      expect(result.stderr).toMatch(/^ {2}not webgpu: not probed: no GPU device node .*$/m);
    }
    expect(result.stderr).toMatch(/backend: wasm/);
  });
});
