/**
 * firstThatLoads: the first candidate whose loader returns a value, the ones skipped before it with
 * their reasons (an error's message, what `explain` makes of it, or skipCandidate's reason, given
 * without trying), and NoneLoadedError's one format when none loads.
 */
import { describe, expect, it } from 'vitest';
import { firstThatLoads, MlpxError, NoneLoadedError, skipCandidate } from '@mlpx/core';

describe('firstThatLoads', () => {
  it('returns the first value, the chosen candidate and why each earlier one was skipped; later ones are not tried', async () => {
    const tried: string[] = [];
    const loaded = await firstThatLoads(
      ['tensorflow', 'webgpu', 'wasm', 'cpu'],
      async (name) => {
        tried.push(name);
        if (name === 'tensorflow') throw new Error('no engine set up');
        if (name === 'webgpu') return skipCandidate('only a software adapter');
        return `${name} backend`;
      },
      { heading: '--backend auto: no backend could be loaded' },
    );
    expect(loaded).toEqual({
      value: 'wasm backend',
      chosen: 'wasm',
      skipped: [
        { name: 'tensorflow', reason: 'no engine set up' },
        { name: 'webgpu', reason: 'only a software adapter' },
      ],
    });
    expect(tried).toEqual(['tensorflow', 'webgpu', 'wasm']);
  });

  it("words a loader's error with explain, and never a skip's reason", async () => {
    const failed = await firstThatLoads(
      ['cuda', 'webgpu'],
      (name) => {
        if (name === 'webgpu') return skipCandidate('WebGPU has no adapter');
        throw new Error('libcuda.so.1: cannot open shared object file\nsecond line');
      },
      { heading: 'cannot run model.onnx on cuda, webgpu', explain: (error, name) => `${name}: ${(error as Error).message.split('\n')[0]}` },
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(NoneLoadedError);
    expect(failed).toBeInstanceOf(MlpxError);
    expect((failed as NoneLoadedError).skipped).toEqual([
      { name: 'cuda', reason: 'cuda: libcuda.so.1: cannot open shared object file' },
      { name: 'webgpu', reason: 'WebGPU has no adapter' },
    ]);
  });

  it('none loads: one candidate on one line, several one per line, then the hint', async () => {
    await expect(firstThatLoads(['cpu'], () => Promise.reject(new Error('broken')), { heading: 'cannot run m.onnx on cpu' })).rejects.toThrow(
      /^cannot run m\.onnx on cpu: broken$/,
    );
    const several = firstThatLoads(['cuda', 'cpu'], (name) => skipCandidate(`no ${name}`), {
      heading: 'cannot run m.onnx on cuda, cpu',
      hint: 'Run `mlpx setup cuda`.',
    });
    await expect(several).rejects.toThrow(/^cannot run m\.onnx on cuda, cpu:\n {2}cuda: no cuda\n {2}cpu: no cpu\nRun `mlpx setup cuda`\.$/);
    await expect(firstThatLoads([], () => 1, { heading: 'cannot run m.onnx' })).rejects.toThrow(/^cannot run m\.onnx: nothing to try$/);
  });
});
