/** `mlpx bench --quick`: the smoke run CI does (a few steps of a tiny configuration, not a timing). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { SWIFTSHADER_ENV } from '../helpers/swiftshader.js';

interface BenchJson {
  machine: { cores: number };
  training: { model: string; backend: string; threads: number; imagesPerSec: number; baselineImagesPerSec: number; gflops: number; peakGflops: number }[];
  inference: { model: string; ep: string; batch: number; imagesPerSec: number; tfjsImagesPerSec: number }[];
  peakRssMiB: number;
}

describe('mlpx bench --quick', () => {
  it('measures every model on wasm and webgpu against the plain baseline, and inference on ONNX Runtime against tfjs', async () => {
    const result = await runCli(['bench', '--quick', '--json', '--backends', 'wasm,webgpu'], { env: SWIFTSHADER_ENV });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as BenchJson;
    expect(report.training.map((t) => `${t.model}/${t.backend}`)).toEqual(['mixer/wasm', 'fnet/wasm', 'gmlp/wasm', 'mixer/webgpu', 'fnet/webgpu', 'gmlp/webgpu']);
    for (const row of report.training) {
      expect(row.imagesPerSec).toBeGreaterThan(0);
      expect(row.baselineImagesPerSec).toBeGreaterThan(0);
      expect(row.gflops).toBeGreaterThan(0);
      expect(row.peakGflops).toBeGreaterThan(0);
      // Data-parallel on wasm (batch 32: 16 examples for each of up to 2 threads), one thread on webgpu.
      expect(row.threads).toBe(row.backend === 'wasm' ? Math.min(report.machine.cores, 2) : 1);
    }
    expect(report.inference.map((i) => `${i.model}/${i.batch}`)).toEqual(['mixer/1', 'mixer/16', 'fnet/1', 'fnet/16', 'gmlp/1', 'gmlp/16']);
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
