/**
 * `mlpx infer`, `mlpx eval` and `mlpx quickstart` as a user runs them: output formats, execution
 * providers (CPU, WebGPU on SwiftShader, CUDA absent here), bad input, and the quick start's
 * trained-versus-deployed accuracy.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { loadLibrary } from '@mlpx/infer/src/cuda/load-library.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { useBackend } from '../helpers/backend.js';
import { offlineFashionMnist, tempDir } from '../helpers/dataset-fixtures.js';
import { runCli, STACK_LINE, TINY_GMLP, trainAndExport } from '../helpers/run-cli.js';
import { singleLayerModel } from '../helpers/single-layer-model.js';
import * as tf from '@tensorflow/tfjs';

useBackend('wasm');

import { SWIFTSHADER_ENV as SWIFTSHADER } from '../helpers/swiftshader.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let model: string;
let images: string;

beforeAll(async () => {
  work = await tempDir();
  model = await trainAndExport(work.path, TINY_GMLP);
  images = join(work.path, 'images');
  await mkdir(images);
  const data = await loadDataset('fashion-mnist-sample', { limit: 16 });
  for (let i = 0; i < 16; i++) {
    await sharp(data.test.images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toFile(join(images, `${String(i).padStart(2, '0')}.png`));
  }
}, 120_000);
afterAll(async () => {
  await work.remove();
});

interface InferJson {
  executionProvider: string;
  results: { file: string; predictions: { label: string; index: number; probability: number }[] }[];
  skipped: string[];
  failed: { file: string; error: string }[];
  imagesPerSec: number;
}

async function inferJson(ep: string, env: Record<string, string> = {}): Promise<InferJson> {
  const result = await runCli(['infer', '--model', model, '--ep', ep, '--format', 'json', images], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as InferJson;
}

describe('mlpx infer', () => {
  it('prints one JSON document', async () => {
    const doc = await inferJson('cpu');
    expect(doc.executionProvider).toBe('cpu');
    expect(doc.results).toHaveLength(16);
    expect(doc.results[0]!.predictions).toHaveLength(5);
    expect(doc.results[0]!.predictions[0]).toEqual({ label: expect.any(String), index: expect.any(Number), probability: expect.any(Number) });
    expect(doc.skipped).toEqual([]);
    expect(doc.failed).toEqual([]);
    expect(doc.imagesPerSec).toBeGreaterThan(0);
  });

  it('prints CSV and a table with a summary', async () => {
    const csv = await runCli(['infer', '--model', model, '--format', 'csv', '--top', '2', images]);
    expect(csv.stdout.split('\n')[0]).toBe('file,rank,label,index,probability');
    expect(csv.stdout.trim().split('\n')).toHaveLength(1 + 16 * 2);
    const table = await runCli(['infer', '--model', model, images]);
    expect(table.stdout).toMatch(/classified 16 images, skipped 0, failed 0; execution provider cpu, [\d.]+ images\/s/);
  });

  it('exits 1 when an image fails, and still classifies the others', async () => {
    const mixed = join(work.path, 'mixed');
    await mkdir(mixed, { recursive: true });
    await writeFile(join(mixed, 'ok.png'), await readFile(join(images, '00.png')));
    await writeFile(join(mixed, 'cut.png'), (await readFile(join(images, '01.png'))).subarray(0, 40));
    await writeFile(join(mixed, 'notes.txt'), 'hello');
    const result = await runCli(['infer', '--model', model, mixed]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/skipped .*notes\.txt: not a PNG, JPEG or WebP image/);
    expect(result.stderr).toMatch(/failed .*cut\.png: cannot decode image/);
    expect(result.stdout).toMatch(/classified 1 images, skipped 1, failed 1/);
  });

  it('gives the same top-1 on WebGPU (SwiftShader) as on the CPU', async () => {
    const cpu = await inferJson('cpu');
    const webgpu = await inferJson('webgpu', SWIFTSHADER);
    expect(webgpu.executionProvider).toBe('webgpu');
    expect(webgpu.results.map((r) => r.predictions[0]!.index)).toEqual(cpu.results.map((r) => r.predictions[0]!.index));
    webgpu.results.forEach((r, i) => expect(r.predictions[0]!.probability).toBeCloseTo(cpu.results[i]!.predictions[0]!.probability, 3));
  }, 120_000);

  it('explains why CUDA cannot run here, and falls back to the CPU when asked to', async () => {
    // With no `mlpx setup cuda` install (the one set up is test/cli/setup-cuda.test.ts's). Without
    // a driver that comes first (test/cli/messages.test.ts has both cases).
    const noInstall = { MLPX_CUDA_DIR: join(work.path, 'no-cuda-install') };
    const reason = loadLibrary('libcuda.so.1').ok
      ? 'the CUDA provider libraries are not installed .*npx mlpx setup cuda'
      : 'no NVIDIA driver: libcuda\\.so\\.1 did not load';
    const cuda = await runCli(['infer', '--model', model, '--ep', 'cuda', images], { env: noInstall });
    expect(cuda.code).toBe(1);
    expect(cuda.stderr).toMatch(new RegExp(`on cuda: ${reason}`));
    expect(cuda.stderr).not.toMatch(STACK_LINE);
    const fallback = await runCli(['infer', '--model', model, '--ep', 'cuda,cpu', images], { env: noInstall });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(new RegExp(`cuda unavailable: ${reason}`));
    expect(fallback.stderr).toMatch(/execution provider: cpu \(fallback\)/);
  });
});

describe('mlpx infer and eval with bad input: one clear message, exit 1', () => {
  const cases: { name: string; args: () => Promise<string[]>; message: RegExp }[] = [
    {
      name: 'a missing model file',
      args: async () => ['infer', '--model', join(work.path, 'nope.onnx'), images],
      message: /model file .*nope\.onnx does not exist/,
    },
    { name: 'a file that is not ONNX', args: async () => ['infer', '--model', join(images, '00.png'), images], message: /00\.png is not an ONNX model/ },
    {
      name: 'a model whose input is not an image',
      args: async () => {
        const path = join(work.path, 'vector.onnx');
        await writeFile(path, exportToOnnx(singleLayerModel(() => tf.layers.dense({ units: 3 }), [7])));
        return ['infer', '--model', path, images];
      },
      message: /vector\.onnx: its input is not an image tensor/,
    },
    {
      name: 'an empty folder',
      args: async () => {
        await mkdir(join(work.path, 'empty'), { recursive: true });
        return ['infer', '--model', model, join(work.path, 'empty')];
      },
      message: /no PNG, JPEG or WebP images in .*empty/,
    },
    {
      name: 'an unknown execution provider',
      args: async () => ['infer', '--model', model, '--ep', 'tpu', images],
      message: /unknown execution provider 'tpu'; choose from cpu, cuda, webgpu/,
    },
    {
      name: 'eval of a model on a dataset of another shape',
      args: async () => ['eval', '--model', model, '--dataset', 'cifar100', '--data-file', join(work.path, 'missing.tar.gz')],
      message: /missing\.tar\.gz/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await runCli(await c.args(), { cwd: work.path });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(c.message);
      expect(result.stderr).not.toMatch(STACK_LINE);
    });
  }
});

describe('mlpx eval', () => {
  it('shows the deployed and the trained accuracy agreeing', async () => {
    const result = await runCli(['eval', '--model', model]);
    expect(result.code, result.stderr).toBe(0);
    const deployed = /deployed \(ONNX Runtime, cpu\): +top-1 ([\d.]+)%, top-5 ([\d.]+)% on the first 300 fashion-mnist-sample test images/.exec(result.stdout);
    const trained = /trained \(TensorFlow\.js\): +top-1 ([\d.]+)%, top-5 ([\d.]+)% on the same images/.exec(result.stdout);
    expect(deployed).not.toBeNull();
    expect(trained).not.toBeNull();
    expect(deployed!.slice(1)).toEqual(trained!.slice(1));
    expect(result.stdout).toMatch(/agrees: top-1 differs by 0\.00 points/);
  });

  it('--accuracy-tolerance sets the allowed difference; --tolerance, its old name, still works and says it was renamed', async () => {
    const result = await runCli(['eval', '--model', model, '--accuracy-tolerance', '0.25']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/agrees: top-1 differs by 0\.00 points \(tolerance 0\.25\)/);
    const old = await runCli(['eval', '--model', model, '--tolerance', '0.25']);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/agrees: top-1 differs by 0\.00 points \(tolerance 0\.25\)/);
    expect(old.stderr.split('\n').filter((line) => line.includes('--tolerance'))).toEqual([
      "mlpx eval: --tolerance is renamed --accuracy-tolerance (mlpx export's --tolerance is a logit difference); the old name still works",
    ]);
    const both = await runCli(['eval', '--model', model, '--tolerance', '1', '--accuracy-tolerance', '1']);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--tolerance is the old name of --accuracy-tolerance: give --accuracy-tolerance only/);
  });

  it('compares nothing on other images, and says so', async () => {
    const result = await runCli(['eval', '--model', model, '--limit', '100']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/on the first 100 fashion-mnist-sample test images/);
    expect(result.stdout).toMatch(/no training accuracy to compare with on these images/);
  });
});

describe('npm run quickstart (mlpx quickstart)', () => {
  it('trains, exports, infers and evaluates, and the two accuracies agree, on a machine with no Fashion-MNIST and no network', async () => {
    // A fresh clone's machine: no Debian package, an empty cache, the download unreachable.
    const env = { ...(await offlineFashionMnist(work.path)), MLPX_TENSORFLOW_DIR: join(work.path, 'no-engine') };
    const result = await runCli(['quickstart', '--out', join(work.path, 'quickstart')], { cwd: work.path, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/using .*fashion-mnist-sample \(the shipped sample: the first 10,000 training and 2,000 test images\)/);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.stderr).toMatch(/\[4\/4\] \$ mlpx eval/);
    expect(result.stdout).toMatch(/classified 8 images, skipped 0, failed 0/);
    expect(result.stdout).toMatch(/agrees: top-1 differs by 0\.00 points/);
    expect(result.stderr).toMatch(/quickstart done in/);
  }, 300_000);
});
