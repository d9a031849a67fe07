/**
 * The toy family on data-parallel threads: worker threads rebuild the model from its JSON, so they
 * must know the ToyBlock class. A family from outside mlpx names the JavaScript module that
 * registers it (ModelFamily.module), as a user's compiled package would: here toy-block.ts,
 * compiled with esbuild as a user's build would, imported by the workers. Without the module the
 * run fails in one line that says what to do.
 */
import { build } from 'esbuild';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModelFamily, trainRun, type TrainSettings } from '@mlpx/train';
import { tempDir } from '../../../helpers/dataset-fixtures.js';
import { REPO_ROOT } from '../../../helpers/run-cli.js';
import { toyFamily } from './toy-family.js';

// Compiled where Node finds the repository's node_modules (@tensorflow/tfjs and @mlpx/train's
// build, the ones the workers load), as the family's own package would sit in a user's project.
const COMPILED = join(REPO_ROOT, 'test-artifacts', `toy-family-${process.pid}`);

function settings(model: string, threads: number): TrainSettings {
  return {
    dataset: 'fashion-mnist-sample',
    model,
    architecture: { imageSize: 28, patchSize: 7, embeddingDim: 16, blocks: 2, dropout: 0.1, gelu: 'exact' },
    limit: 512,
    epochs: 2,
    batchSize: 64,
    learningRate: toyFamily.learningRate,
    weightDecay: 1e-4,
    validationSplit: 0.1,
    seed: 5,
    backend: 'wasm',
    threads,
  };
}

describe('a family from outside mlpx on data-parallel threads, without its module', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir();
    registerModelFamily({ ...toyFamily, name: 'toynomodule' });
  });
  afterAll(() => work.remove());

  it('fails in one line naming the layer class and the two ways out', async () => {
    const run = trainRun(settings('toynomodule', 2), {}, join(work.path, 'unknown'));
    await expect(run).rejects.toThrow(
      /^data-parallel training failed in a worker thread: .*the worker threads do not know the layer class ToyBlock: give its model family a module that registers it \(ModelFamily\.module\), or train with threads: 1/,
    );
  }, 120_000);
});

describe('a family from outside mlpx on data-parallel threads, with its module', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    work = await tempDir();
    await mkdir(COMPILED, { recursive: true });
    const outfile = join(COMPILED, 'toy-block.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'toy-block.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      external: ['@tensorflow/tfjs', '@mlpx/train'],
      logLevel: 'error',
    });
    registerModelFamily({ ...toyFamily, module: pathToFileURL(outfile).href });
  }, 60_000);
  afterAll(async () => {
    await work.remove();
    await rm(COMPILED, { recursive: true, force: true });
  });

  it('trains on 2 threads as on 1, up to rounding', async () => {
    const info: string[] = [];
    const two = await trainRun(settings('toy', 2), { onInfo: (line) => info.push(line) }, join(work.path, 'two'));
    const one = await trainRun(settings('toy', 1), {}, join(work.path, 'one'));
    expect(info).toContain('training on 2 threads (data-parallel, each with its own wasm backend)');
    expect(two.metrics.backend.threads).toBe(2);
    expect(two.metrics.history).toHaveLength(2);
    two.metrics.history.forEach((epoch, i) => {
      expect(epoch.loss).toBeCloseTo(one.metrics.history[i]!.loss, 3);
      expect(epoch.valLoss).toBeCloseTo(one.metrics.history[i]!.valLoss, 3);
    });
  }, 180_000);
});
