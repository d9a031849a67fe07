import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '@mlpx/infer/src/cuda/load-library.js';
import { runCli } from '../helpers/run-cli.js';
import { SWIFTSHADER_ENV } from '../helpers/swiftshader.js';

describe('mlpx doctor', () => {
  it('lists the training backends and inference providers, naming a software WebGPU adapter', async () => {
    // With no native engine and no CUDA provider set up (those are setup-tensorflow.test.ts's and setup-cuda.test.ts's).
    const result = await runCli(['doctor'], {
      env: { ...SWIFTSHADER_ENV, MLPX_TENSORFLOW_DIR: join(tmpdir(), 'mlpx-test-no-engine'), MLPX_CUDA_DIR: join(tmpdir(), 'mlpx-test-no-cuda') },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /tensorflow +unavailable: no engine set up in .*mlpx-test-no-engine \(run `mlpx setup tensorflow`\); @tensorflow\/tfjs-node-gpu is not installed/,
    );
    expect(result.stdout).toMatch(/webgpu +SwiftShader.*a software adapter.*--backend auto stays on wasm/);
    expect(result.stdout).toMatch(/wasm +@tensorflow\/tfjs-backend-wasm 4\.22\.0 \(SIMD\)/);
    // Without a driver, that comes first: `mlpx setup cuda` alone would not make CUDA run.
    expect(result.stdout).toMatch(
      loadLibrary('libcuda.so.1').ok ? /cuda +the CUDA provider libraries are not installed/ : /cuda +no NVIDIA driver: libcuda\.so\.1 did not load/,
    );
    expect(result.stdout).toMatch(/ {15}provider: not installed \(mlpx setup cuda installs it into .*mlpx-test-no-cuda\/1\.30\.0\)/);
  }, 60_000);

  it("keeps Dawn's own warnings out of its output, and names Dawn's reason when there is no adapter", async () => {
    // No Vulkan driver but the system's: on a machine without a GPU driver Dawn finds none and warns on stderr.
    const result = await runCli(['doctor'], { env: { MLPX_TENSORFLOW_DIR: join(tmpdir(), 'mlpx-test-no-engine') } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/vkCreateInstance|CheckVkSuccessImpl|VulkanError/);
    if (/webgpu +unavailable/.test(result.stdout)) expect(result.stdout).toMatch(/webgpu +unavailable: no WebGPU adapter: .*; Dawn: \S/);
  }, 60_000);
});
