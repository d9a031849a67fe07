/** `mlpx train` as a user runs it: the built CLI in a child process. */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import { modelFamilies } from '@mlpx/train/src/models/model-families.js';
import { loadModel } from '@mlpx/train/src/run/model-files.js';
import type { RunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { evaluate } from '@mlpx/train/src/training/evaluate.js';
import { headOf } from '@mlpx/core/src/images/image-split.js';
import { useBackend } from '../helpers/backend.js';
import { tempDir, writeCifarArchive } from '../helpers/dataset-fixtures.js';
import { runCli, STACK_LINE } from '../helpers/run-cli.js';

useBackend('wasm');

/** An engine folder where `mlpx setup tensorflow` never ran: --backend auto and tensorflow see no engine. */
const NO_TENSORFLOW = { MLPX_TENSORFLOW_DIR: join(tmpdir(), 'mlpx-test-no-engine') };

const TINY = ['--image-size', '28', '--patch-size', '7', '--embedding-dim', '16', '--blocks', '1', '--batch-size', '32'];

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe('mlpx train --help', () => {
  it('lists the flags of the recipe', async () => {
    const result = await runCli(['train', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--model',
      '--dataset',
      '--load-size',
      '--epochs',
      '--batch-size',
      '--lr',
      '--weight-decay',
      '--image-size',
      '--patch-size',
      '--embedding-dim',
      '--blocks',
      '--dropout',
      '--gelu',
      '--position-table',
      '--seed',
      '--backend',
      '--limit',
      '--data-file',
      '--out',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it("names every family and its learning rate, from the registry; --input-size, --load-size's old name, is hidden", async () => {
    const result = await runCli(['train', '--help']);
    const help = result.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(
      `choices: ${modelFamilies()
        .map((f) => `"${f.name}"`)
        .join(', ')}`,
    );
    expect(help).toContain(
      `default per model: ${modelFamilies()
        .map((f) => `${f.name} ${f.learningRate}`)
        .join(', ')}`,
    );
    expect(help).not.toContain('--input-size');
  });
});

describe('mlpx train with bad input: one clear message, exit 1, nothing written', () => {
  const cases: { name: string; args: (dir: string) => Promise<string[]> | string[]; message: RegExp }[] = [
    // The choices are the registry's families, in its order.
    { name: 'unknown model', args: () => ['--model', 'resnet'], message: new RegExp(`--model.*'resnet' is invalid.*${MODEL_NAMES.join(', ')}`) },
    { name: 'unknown dataset', args: () => ['--dataset', 'imagenet'], message: /unknown dataset 'imagenet'/ },
    { name: 'patch size that does not divide the image size', args: () => ['--patch-size', '5'], message: /patch size 5 does not divide image size 64/ },
    { name: 'zero epochs', args: () => ['--epochs', '0'], message: /--epochs.*positive integer/ },
    { name: 'zero threads', args: () => ['--threads', '0'], message: /--threads.*positive integer/ },
    {
      name: 'a position table for a model without one',
      args: () => ['--model', 'gmlp', '--position-table', 'trained'],
      message: /--position-table applies to --model fnet only/,
    },
    {
      name: 'both --load-size and its old name',
      args: () => ['--load-size', '24', '--input-size', '24'],
      message: /--input-size is the old name of --load-size: give --load-size only/,
    },
    {
      name: '--load-size for a dataset that is not a folder',
      args: () => ['--dataset', 'fashion-mnist-sample', '--load-size', '24'],
      message: /--load-size applies to folder: datasets only \(--dataset fashion-mnist-sample/,
    },
    {
      name: 'unknown position table',
      args: () => ['--model', 'fnet', '--position-table', 'learned'],
      message: /--position-table.*'learned' is invalid.*frozen, trained/,
    },
    { name: 'missing data file', args: (dir) => ['--dataset', 'cifar100', '--data-file', join(dir, 'nope.tar.gz')], message: /nope\.tar\.gz/ },
    {
      name: 'truncated data file',
      args: async (dir) => {
        const archive = join(dir, 'cut.tar.gz');
        await writeCifarArchive(archive);
        const bytes = await readFile(archive);
        await writeFile(archive, bytes.subarray(0, bytes.length >> 1));
        return ['--dataset', 'cifar100', '--data-file', archive];
      },
      message: /cut\.tar\.gz/,
    },
    {
      name: 'empty class folder',
      args: async (dir) => {
        const root = join(dir, 'classes');
        await mkdir(join(root, 'cat'), { recursive: true });
        await mkdir(join(root, 'dog'), { recursive: true });
        await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
          .png()
          .toFile(join(root, 'cat', 'a.png'));
        return ['--dataset', `folder:${root}`];
      },
      message: /dog/,
    },
    {
      name: 'a tensorflow backend that is not set up',
      args: () => ['--backend', 'tensorflow'],
      message:
        /--backend tensorflow could not be loaded: no engine set up in .*no-engine \(run `mlpx setup tensorflow`\); @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\nRun `mlpx setup tensorflow`/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = join(work.path, c.name.replace(/\W+/g, '-'));
      await mkdir(dir, { recursive: true });
      const out = join(dir, 'run');
      const result = await runCli(['train', ...(await c.args(dir)), '--epochs', c.name === 'zero epochs' ? '0' : '1', '--out', out], {
        cwd: dir,
        env: NO_TENSORFLOW,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(c.message);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(existsSync(out)).toBe(false);
      expect((await readdir(dir)).filter((name) => name.includes('run'))).toEqual([]);
    });
  }
});

describe('mlpx train writes a run folder', () => {
  it('fnet on Fashion-MNIST: default folder, runs/latest, metrics that match the saved model', async () => {
    const cwd = join(work.path, 'fnet');
    await mkdir(cwd);
    // Without the native engine, --backend auto trains on wasm here (no hardware WebGPU adapter).
    const result = await runCli(['train', '--model', 'fnet', '--dataset', 'fashion-mnist-sample', '--epochs', '2', '--limit', '600', ...TINY], {
      cwd,
      env: NO_TENSORFLOW,
    });
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/backend: wasm/);
    // Batch 32: data-parallel on up to 2 threads (16 images each), one per core.
    const threads = Math.min(availableParallelism(), 2);
    if (threads > 1) {
      expect(result.stderr).toMatch(/training on 2 threads \(data-parallel/);
      expect(result.stdout).toMatch(/images\/s on wasm \(2 threads\)/);
    }
    expect(result.stderr).toMatch(/epoch 2\/2 .*val_acc/);
    expect(result.stdout).toMatch(/test: [\d.]+% top-1, [\d.]+% top-5 on the first 600 fashion-mnist-sample test images/);

    const runs = (await readdir(join(cwd, 'runs'))).filter((name) => name !== 'latest');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^fnet-fashion-mnist-sample-\d{8}-\d{6}$/);
    expect(await readlink(join(cwd, 'runs', 'latest'))).toBe(runs[0]);
    const folder = join(cwd, 'runs', runs[0]!);
    const files = (await readdir(folder)).sort();
    expect(files.filter((f) => !f.startsWith('checkpoint'))).toEqual(['curves.svg', 'history.csv', 'labels.json', 'metrics.json', 'model.json', 'weights.bin']);
    expect(files.filter((f) => f.startsWith('checkpoint'))).toEqual([expect.stringMatching(/^checkpoint-2-end-[0-9a-f]+\.bin$/), 'checkpoint.json']);

    const metrics = JSON.parse(await readFile(join(folder, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.backend).toMatchObject({ name: 'wasm', threads });
    expect(metrics.dataset).toMatchObject({ name: 'fashion-mnist-sample', inputShape: [28, 28, 1], numClasses: 10, trainImages: 540, validationImages: 60 });
    // The seed's frozen position table, FNet's own option, recorded so that the run resumes with it.
    expect(metrics.settings.architecture.familyOptions).toEqual({ positionTable: 'frozen' });
    expect(metrics.modelConfig.familyOptions).toEqual({ positionTable: 'frozen' });
    expect(metrics.history).toHaveLength(2);
    expect(Object.keys(metrics.history[0]!)).toEqual(
      expect.arrayContaining(['loss', 'accuracy', 'top5', 'valLoss', 'valAccuracy', 'valTop5', 'learningRate', 'imagesPerSec']),
    );
    expect(metrics.test).toMatchObject({ dataset: 'fashion-mnist-sample', split: 'test', firstIndex: 0, images: 600 });
    expect(metrics.imagesPerSec).toBeGreaterThan(0);
    expect(metrics.wallSeconds).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(folder, 'labels.json'), 'utf8'))).toHaveLength(10);
    expect(await readFile(join(folder, 'curves.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);

    // The saved model is the trained one: it scores exactly what metrics.json recorded.
    const model = await loadModel(folder);
    const dataset = await loadDataset('fashion-mnist-sample', { limit: 600 });
    const scores = await evaluate(model, headOf(dataset.test, { height: 28, width: 28, channels: 1 }, 600), { height: 28, width: 28, channels: 1 }, 128);
    expect(scores.accuracy).toBeCloseTo(metrics.test.accuracy, 6);
    expect(scores.loss).toBeCloseTo(metrics.test.loss, 4);
    model.dispose();
    expect(tf.getBackend()).toBe('wasm');
  });

  it('gmlp on data in the CIFAR-100 binary format (--data-file), tanh GELU', async () => {
    const cwd = join(work.path, 'gmlp');
    await mkdir(cwd);
    const archive = join(cwd, 'cifar-100-binary.tar.gz');
    await writeCifarArchive(archive);
    const out = join(cwd, 'my-run');
    const result = await runCli(
      [
        'train',
        '--model',
        'gmlp',
        '--dataset',
        'cifar100',
        '--data-file',
        archive,
        '--epochs',
        '1',
        '--gelu',
        'tanh',
        '--image-size',
        '32',
        '--patch-size',
        '8',
        '--embedding-dim',
        '16',
        '--blocks',
        '1',
        '--batch-size',
        '8',
        '--threads',
        '1',
        '--out',
        out,
      ],
      { cwd },
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/training on \d+ threads/);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.backend.threads).toBe(1);
    expect(metrics.dataset).toMatchObject({ name: 'cifar100', inputShape: [32, 32, 3], numClasses: 100, trainImages: 18, validationImages: 2 });
    expect(metrics.modelConfig).toMatchObject({ model: 'gmlp', gelu: 'tanh', imageSize: 32, patchSize: 8 });
    expect(metrics.test.images).toBe(10);
    expect(existsSync(join(cwd, 'runs'))).toBe(false); // --out outside runs/ leaves runs/latest alone
  });

  it('refuses to overwrite a finished run', async () => {
    const cwd = join(work.path, 'gmlp');
    const result = await runCli(
      ['train', '--model', 'gmlp', '--dataset', 'fashion-mnist-sample', '--epochs', '1', '--limit', '100', ...TINY, '--out', join(cwd, 'my-run')],
      { cwd },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/my-run already exists and is not empty/);
  });
});
