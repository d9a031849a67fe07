import * as tf from '@tensorflow/tfjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import type { WebgpuAdapterInfo } from '@mlpx/train/src/backends/webgpu/webgpu-adapter.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';

useSwiftShader();
// The order of --backend auto below the native engine: as on a machine where `mlpx setup tensorflow` never ran.
process.env.MLPX_TENSORFLOW_DIR = join(tmpdir(), 'mlpx-test-no-engine');

const HARDWARE: WebgpuAdapterInfo = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 (faked)', software: false };

describe('selectBackend', () => {
  it('names the software adapter it gets with --backend webgpu', async () => {
    const selected = await selectBackend('webgpu');
    expect(selected.name).toBe('webgpu');
    expect(selected.adapter?.software).toBe(true);
    expect(selected.description).toMatch(/SwiftShader.*a software adapter/i);
    expect(tf.getBackend()).toBe('webgpu');
  }, 60_000);

  it('auto stays on wasm with only a software adapter, and says why', async () => {
    const selected = await selectBackend('auto');
    expect(selected.name).toBe('wasm');
    expect(selected.skipped.map((s) => s.name)).toEqual(['tensorflow', 'webgpu']);
    expect(selected.skipped[1]!.reason).toMatch(/only a software adapter is available .*SwiftShader.*slower than wasm/i);
  }, 60_000);

  it('auto chooses webgpu when the adapter is a GPU', async () => {
    const selected = await selectBackend('auto', { probeWebgpu: async () => HARDWARE });
    expect(selected.name).toBe('webgpu');
    expect(selected.description).toMatch(/NVIDIA H100 \(faked\)/);
    expect(selected.skipped.map((s) => s.name)).toEqual(['tensorflow']);
  }, 60_000);

  it('explains a missing WebGPU adapter', async () => {
    await expect(
      selectBackend('webgpu', { probeWebgpu: async () => Promise.reject(new Error('no WebGPU adapter: Dawn found no Vulkan driver')) }),
    ).rejects.toThrow(/^--backend webgpu could not be loaded: no WebGPU adapter/);
  });
});
