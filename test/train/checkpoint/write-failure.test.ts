/**
 * A full disk while writing a checkpoint: a clear error naming the file, and the previous
 * checkpoint intact (no temporary files left either). The disk is made full by failing writes of
 * the new checkpoint's binary with ENOSPC.
 */
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import type { FitState } from '@mlpx/train/src/fit/fit.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

let diskFull = false;
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      if (diskFull && /checkpoint-.*\.bin\.tmp-/.test(String(args[0]))) {
        return Object.assign(Object.create(Object.getPrototypeOf(handle) as object) as typeof handle, handle, {
          writeFile: async () => {
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
          },
          close: () => handle.close(),
          sync: () => handle.sync(),
        });
      }
      return handle;
    },
  };
});

function checkpoint(epochsDone: number): Checkpoint {
  const state: FitState = {
    epochsDone,
    history: [],
    optimizer: { learningRate: 0.001, step: epochsDone * 10, m: [Float32Array.of(1, 2)], v: [Float32Array.of(3, 4)] },
    reduceLr: { best: null, wait: 0 },
    earlyStopping: { best: null, wait: 0, bestEpoch: -1 },
    random: { c: 1, s0: 0.1, s1: 0.2, s2: 0.3 },
    trainingSeconds: 1,
    trainedImages: 10,
  };
  return {
    settings: { dataset: 'fashion-mnist' } as Checkpoint['settings'],
    modelConfig: { model: 'mixer' } as Checkpoint['modelConfig'],
    weights: new Map([['dense/kernel', { values: Float32Array.of(epochsDone, epochsDone), shape: [2] }]]),
    state,
    createdAt: new Date().toISOString(),
  };
}

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe('writeCheckpoint on a full disk', () => {
  it('fails with a clear message and leaves the previous checkpoint as it was', async () => {
    await writeCheckpoint(work.path, checkpoint(1));
    diskFull = true;
    await expect(writeCheckpoint(work.path, checkpoint(2))).rejects.toThrow(/cannot write .*checkpoint-2-end-[0-9a-f]+\.bin: ENOSPC: no space left on device/);
    diskFull = false;
    const kept = await readCheckpoint(work.path);
    expect(kept.state.epochsDone).toBe(1);
    expect(Array.from(kept.weights.get('dense/kernel')!.values)).toEqual([1, 1]);
    expect((await readdir(work.path)).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
