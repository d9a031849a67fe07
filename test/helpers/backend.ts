/** Runs a test file on a given tfjs backend (wasm unless a test says otherwise). */
import { beforeAll } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';

export function useBackend(name: 'wasm' | 'cpu' | 'webgpu' | 'tensorflow' = 'wasm'): void {
  beforeAll(async () => {
    await selectBackend(name);
  });
}
