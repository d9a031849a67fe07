/** `mlpx bench --quick`: the smoke run CI does (a few steps of a tiny configuration, not a timing). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTensorflowInstall, tensorflowRoot } from '@mlpx/train/src/backends/tensorflow/tensorflow-install.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import { REPO_ROOT, runCli, STACK_LINE } from '../helpers/run-cli.js';
import { SWIFTSHADER_ENV } from '../helpers/swiftshader.js';

interface BenchJson {
  machine: { cores: number };
  training: {
    model: string;
    backend: string;
    threads: number;
    imagesPerSec: number;
    baselineImagesPerSec: number;
    gflops: number;
    peakGflops: number;
    peakRssMiB?: number;
    peerImagesPerSec?: number;
    peerPeakRssMiB?: number;
    dispatchesPerStep?: number;
    readbacksPerStep?: number;
    bufferAllocationsPerStep?: number;
    bytesMovedPerStep?: number;
    baseline?: { dispatchesPerStep: number; readbacksPerStep: number; bufferAllocationsPerStep: number; bytesMovedPerStep: number };
  }[];
  peer?: { name: string; python: string; tensorflowVersion: string; kerasVersion: string };
  inference: { model: string; ep: string; batch: number; imagesPerSec: number; tfjsImagesPerSec: number }[];
  peakRssMiB: number;
}

describe('mlpx bench --quick', () => {
  it('measures every model on wasm and webgpu against the plain baseline, and inference on ONNX Runtime against tfjs', async () => {
    const result = await runCli(['bench', '--quick', '--json', '--backends', 'wasm,webgpu'], { env: SWIFTSHADER_ENV });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as BenchJson;
    expect(report.training.map((t) => `${t.model}/${t.backend}`)).toEqual(
      ['wasm', 'webgpu'].flatMap((backend) => MODEL_NAMES.map((model) => `${model}/${backend}`)),
    );
    for (const row of report.training) {
      expect(row.imagesPerSec).toBeGreaterThan(0);
      expect(row.baselineImagesPerSec).toBeGreaterThan(0);
      expect(row.gflops).toBeGreaterThan(0);
      expect(row.peakGflops).toBeGreaterThan(0);
      // Data-parallel on wasm (batch 32: 16 examples for each of up to 2 threads), one thread on webgpu.
      expect(row.threads).toBe(row.backend === 'wasm' ? Math.min(report.machine.cores, 2) : 1);
      // Without --peer the rows are as they were.
      expect(row).not.toHaveProperty('peerImagesPerSec');
      expect(row).not.toHaveProperty('peakRssMiB');
      if (row.backend === 'webgpu') {
        // What a step asks of the GPU, counted: at most one readback (the step's metrics), and no
        // mask uploads (dropout masks are drawn on the GPU), unlike the baseline's.
        expect(row.dispatchesPerStep).toBeGreaterThan(50);
        expect(row.readbacksPerStep).toBeLessThanOrEqual(1);
        expect(row.bytesMovedPerStep).toBeLessThan(row.baseline!.bytesMovedPerStep);
        expect(row.baseline!.dispatchesPerStep).toBeGreaterThan(0);
      } else {
        expect(row).not.toHaveProperty('dispatchesPerStep');
      }
    }
    expect(report).not.toHaveProperty('peer');
    expect(report.inference.map((i) => `${i.model}/${i.batch}`)).toEqual(MODEL_NAMES.flatMap((model) => [`${model}/1`, `${model}/16`]));
    for (const row of report.inference) {
      expect(row.imagesPerSec).toBeGreaterThan(0);
      expect(row.tfjsImagesPerSec).toBeGreaterThan(0);
    }
    expect(report.peakRssMiB).toBeGreaterThan(10);
  }, 180_000);

  it('refuses an unknown backend by name', async () => {
    const result = await runCli(['bench', '--quick', '--backends', 'tpu']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--backends: unknown 'tpu'; choose from wasm, webgpu, cpu, tensorflow/);
  });
});

describe('mlpx bench --peer keras', () => {
  it("measures mlpx and the seed's Keras model on the same TensorFlow, each in its own process, for every model", async (context) => {
    const install = await readTensorflowInstall();
    if (!install) {
      const why = `no TensorFlow is set up in ${tensorflowRoot()} (mlpx setup tensorflow)`;
      if (process.env.MLPX_REQUIRE_TENSORFLOW === '1') throw new Error(`MLPX_REQUIRE_TENSORFLOW=1, but ${why}`);
      return context.skip(`${why}; MLPX_REQUIRE_TENSORFLOW=1 makes this a failure`);
    }
    const result = await runCli(['bench', '--quick', '--json', '--backends', 'tensorflow', '--peer', 'keras']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as BenchJson;
    // The peer ran on the TensorFlow mlpx set up, in Keras 3 (TensorFlow 2.16 and later).
    expect(report.peer).toMatchObject({ name: 'keras', python: install.python, tensorflowVersion: install.tensorflowVersion });
    expect(report.peer!.kerasVersion).toMatch(/^3\./);
    expect(report.training.map((t) => `${t.model}/${t.backend}`)).toEqual(MODEL_NAMES.map((model) => `${model}/tensorflow`));
    for (const row of report.training) {
      expect(row.imagesPerSec).toBeGreaterThan(0);
      expect(row.baselineImagesPerSec).toBeGreaterThan(0);
      expect(row.peerImagesPerSec).toBeGreaterThan(0);
      // Each process loaded TensorFlow (well over 100 MiB) and trained one model.
      expect(row.peakRssMiB).toBeGreaterThan(100);
      expect(row.peerPeakRssMiB).toBeGreaterThan(100);
    }
  }, 300_000);

  it('is refused, before measuring anything, without tensorflow among the backends', async () => {
    for (const args of [['--backends', 'wasm'], []]) {
      const result = await runCli(['bench', '--quick', '--peer', 'keras', ...args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /--peer keras trains the seed's Keras model on TensorFlow, to compare with mlpx on the tensorflow backend; add it: --backends tensorflow/,
      );
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
  });

  it('refuses an unknown peer by name', async () => {
    const result = await runCli(['bench', '--quick', '--backends', 'tensorflow', '--peer', 'torch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--peer: unknown 'torch'; choose from keras/);
  });

  it('names `mlpx setup tensorflow` when no TensorFlow is set up', async () => {
    const result = await runCli(['bench', '--quick', '--backends', 'tensorflow', '--peer', 'keras'], {
      env: { MLPX_TENSORFLOW_DIR: join(REPO_ROOT, 'test-artifacts', 'no-tensorflow-here') },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/none is set up in .*no-tensorflow-here; run `mlpx setup tensorflow` first/);
  });
});
