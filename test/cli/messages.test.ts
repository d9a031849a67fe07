/**
 * The messages a new user meets, as the built CLI prints them: each is one `mlpx: error:` line (or
 * one line among the output) that names the file or flag and says what to do, with no stack trace
 * and nothing printed by a native library (Dawn's Vulkan warnings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxruntimeLibraryFolder } from '@mlpx/infer/src/cuda/cuda-install.js';
import { loadLibrary } from '@mlpx/infer/src/cuda/load-library.js';
import { inspectProviderFile, PROVIDER_LIBRARIES } from '@mlpx/infer/src/cuda/provider-links.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import type { TrainSettings } from '@mlpx/train/src/training/recipe.js';
import { RunStopped, trainRun } from '@mlpx/train/src/run/train-run.js';
import { useBackend } from '../helpers/backend.js';
import { tempDir, unreachableUrl } from '../helpers/dataset-fixtures.js';
import { hasCompiler } from '../helpers/fake-pypi.js';
import { interruptibleRun } from '../helpers/resume-suite.js';
import { runCli, STACK_LINE, TINY_GMLP, trainAndExport } from '../helpers/run-cli.js';

useBackend('wasm');

/** Output lines, without the empty one after the last newline. */
function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

/** The mlpx error lines of stderr; a user-facing failure has exactly one. */
function errorLines(stderr: string): string[] {
  return lines(stderr).filter((line) => line.startsWith('mlpx: '));
}

/** `text` as a regular expression that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What Dawn writes to stderr itself: its warnings and the line naming its C++ source. */
const DAWN_OUTPUT = /^Warning: |vkCreateInstance|VK_ERROR|VulkanError|CheckVkSuccessImpl|\.cpp:\d+\)/m;

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe("commander's flag errors", () => {
  const cases: { args: string[]; line: string }[] = [
    { args: ['infer', '--bogus'], line: "mlpx: error: unknown option '--bogus' (see `mlpx infer --help`)" },
    { args: ['infer', '--mdoel', 'x.onnx'], line: "mlpx: error: unknown option '--mdoel'; did you mean --model? (see `mlpx infer --help`)" },
    { args: ['trian'], line: "mlpx: error: unknown command 'trian'; did you mean train? (see `mlpx --help`)" },
    {
      args: ['train', '--epochs', 'abc'],
      line: "mlpx: error: option '--epochs <n>' argument 'abc' is invalid: expected a positive integer (see `mlpx train --help`)",
    },
    {
      args: ['train', '--model', 'resnet'],
      // The choices are the registry's families, in its order.
      line: `mlpx: error: option '-m, --model <name>' argument 'resnet' is invalid: allowed choices are ${MODEL_NAMES.join(', ')} (see \`mlpx train --help\`)`,
    },
    { args: ['infer', '--model', 'x.onnx'], line: "mlpx: error: missing required argument 'paths' (see `mlpx infer --help`)" },
    { args: ['setup', 'cuda', '--bogus'], line: "mlpx: error: unknown option '--bogus' (see `mlpx setup cuda --help`)" },
  ];
  for (const c of cases) {
    it(`mlpx ${c.args.join(' ')}: one line with mlpx's prefix`, async () => {
      const result = await runCli(c.args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([c.line]);
    });
  }
});

describe('mlpx infer on a machine without a GPU', () => {
  let model: string;
  let images: string;
  beforeAll(async () => {
    model = await trainAndExport(work.path, TINY_GMLP);
    images = join(work.path, 'images');
    await mkdir(images);
    await sharp({ create: { width: 28, height: 28, channels: 3, background: '#808080' } })
      .png()
      .toFile(join(images, 'grey.png'));
  }, 120_000);

  // No Vulkan driver named: on a machine without a GPU driver Dawn finds none, and says so on fd 2.
  const noDriverNamed = { VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '' };

  it('--ep webgpu: no Dawn output, one line saying there is no adapter and to use --ep cpu', async () => {
    const result = await runCli(['infer', '--model', model, '--ep', 'webgpu', images], { env: noDriverNamed });
    expect(result.stderr).not.toMatch(DAWN_OUTPUT);
    expect(result.stderr).not.toMatch(STACK_LINE);
    if (result.code === 0) return; // this machine has a WebGPU adapter: nothing to explain
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${literal(`mlpx: error: cannot run ${model} on webgpu: WebGPU has no adapter on this machine`)}( \\((the Vulkan loader \\(libvulkan\\.so\\.1\\) is not installed|Vulkan finds no driver)\\))?; ${literal('use --ep cpu, or give WebGPU a Vulkan driver: install libvulkan1')} .*${literal('`sudo apt-get install libvulkan1 mesa-vulkan-drivers`')}.*\\)$`,
        ),
      ),
    ]);
  }, 60_000);

  it('--ep webgpu,cpu: says why WebGPU did not run, runs on the CPU, and prints nothing from Dawn', async () => {
    const result = await runCli(['infer', '--model', model, '--ep', 'webgpu,cpu', images], { env: noDriverNamed });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(DAWN_OUTPUT);
    if (/execution provider: cpu \(fallback\)/.test(result.stderr)) {
      expect(lines(result.stderr)).toEqual([
        expect.stringMatching(/^webgpu unavailable: WebGPU has no adapter on this machine.*; use --ep cpu/),
        'execution provider: cpu (fallback)',
      ]);
    }
    expect(result.stdout).toMatch(/classified 1 images/);
  }, 60_000);

  // libcuda.so.1 as this machine's loader finds it, loaded into this process as mlpx loads it.
  const realDriver = loadLibrary('libcuda.so.1').ok;
  const nugetProvider = Object.values(PROVIDER_LIBRARIES).some((name) => inspectProviderFile(join(onnxruntimeLibraryFolder(), name)).kind === 'file');

  it.skipIf(realDriver || nugetProvider)(
    '--ep cuda with no NVIDIA driver: names the missing driver, and does not send the user to mlpx setup cuda',
    async () => {
      const result = await runCli(['infer', '--model', model, '--ep', 'cuda', images], {
        env: { MLPX_CUDA_DIR: join(work.path, 'no-cuda-install'), PATH: pathWithoutNvidiaSmi() },
      });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        `mlpx: error: cannot run ${model} on cuda: no NVIDIA driver: libcuda.so.1 did not load (libcuda.so.1: cannot open shared object file: No such file or directory) ` +
          'and nvidia-smi does not run; --ep cuda needs an NVIDIA GPU and its driver: install the driver, or use --ep cpu',
      ]);
    },
  );

  it.skipIf(!hasCompiler() || nugetProvider)('--ep cuda with a driver but no provider: then, and only then, offers mlpx setup cuda', async () => {
    // A stand-in driver: a libcuda.so.1 that loads (and does nothing).
    const driver = join(work.path, 'fake-driver');
    await mkdir(driver, { recursive: true });
    await writeFile(join(driver, 'libcuda.c'), 'int cuInit(unsigned int flags) { return flags ? 1 : 0; }\n');
    execFileSync('cc', ['-shared', '-fPIC', '-Wl,-soname,libcuda.so.1', '-o', join(driver, 'libcuda.so.1'), join(driver, 'libcuda.c')]);
    const install = join(work.path, 'no-cuda-install');
    const result = await runCli(['infer', '--model', model, '--ep', 'cuda', images], { env: { MLPX_CUDA_DIR: install, LD_LIBRARY_PATH: driver } });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${literal(`mlpx: error: cannot run ${model} on cuda: the CUDA provider libraries are not installed (no ${install}/1.30.0/install.json; `)}.*${literal('is missing). Run `npx mlpx setup cuda` on a machine with network access')}$`,
        ),
      ),
    ]);
  });
});

/** This PATH less any folder holding a real nvidia-smi. */
function pathWithoutNvidiaSmi(): string {
  return (process.env['PATH'] ?? '')
    .split(':')
    .filter((folder) => folder && !existsSync(join(folder, 'nvidia-smi')))
    .join(':');
}

describe('an interrupted run', () => {
  // 9 steps an epoch: 13 steps stop in epoch 2.
  const settings: TrainSettings = { ...interruptibleRun('wasm'), threads: 1 };
  let stopped: string;
  beforeAll(async () => {
    stopped = join(work.path, 'stopped');
    let taken = 0;
    const error = await trainRun(settings, { onStep: () => taken++, stopRequested: () => taken >= 13 }, stopped).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunStopped);
  }, 120_000);

  async function copyOf(name: string): Promise<string> {
    const folder = join(work.path, name);
    await cp(stopped, folder, { recursive: true });
    return folder;
  }

  it('mlpx export says the run is unfinished and how to resume it', async () => {
    const folder = await copyOf('export-unfinished');
    const result = await runCli(['export', '--run', folder, join(work.path, 'x.onnx')]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(errorLines(result.stderr)).toEqual([
      `mlpx: error: run folder ${folder} is unfinished: its training stopped before the end (it has a checkpoint, no metrics.json); finish it with \`mlpx train --resume ${folder}\`, then export it`,
    ]);
  });

  it('a missing checkpoint binary is named, and the checkpoint called incomplete', async () => {
    const folder = await copyOf('binary-gone');
    const binary = (await readdir(folder)).find((name) => /^checkpoint-.*\.bin$/.test(name))!;
    await rm(join(folder, binary));
    const result = await runCli(['train', '--resume', folder]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `mlpx: error: the checkpoint in ${folder} is incomplete: ${join(folder, 'checkpoint.json')} names ${join(folder, binary)}, which does not exist; ` +
        'to resume, restore that file from where the run folder was copied from, or else train again with mlpx train --out <a new folder>',
    ]);
  });

  it('mlpx train --resume says where it continues: the next step, counted from 1, of the steps an epoch has', async () => {
    const folder = await copyOf('resumed');
    const result = await runCli(['train', '--resume', folder]);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stderr)[0]).toBe(`resuming ${folder} at epoch 2 of 3, step 5 of 9`);
  }, 120_000);
});

describe('a finished run with a damaged weights.bin', () => {
  it('mlpx export names the file, its size and the size model.json describes', async () => {
    const folder = join(work.path, 'cut-weights');
    const trained = await runCli([
      'train',
      '--dataset',
      'fashion-mnist-sample',
      '--epochs',
      '1',
      '--limit',
      '100',
      '--batch-size',
      '32',
      '--model',
      'mixer',
      '--image-size',
      '28',
      '--patch-size',
      '7',
      '--embedding-dim',
      '16',
      '--blocks',
      '1',
      '--out',
      folder,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const weights = join(folder, 'weights.bin');
    const size = (await readFile(weights)).length;
    await writeFile(weights, (await readFile(weights)).subarray(0, 136));
    const result = await runCli(['export', '--run', folder, join(work.path, 'x.onnx')]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(errorLines(result.stderr)).toEqual([
      `mlpx: error: ${weights} has 136 bytes, but ${join(folder, 'model.json')} describes ${size.toLocaleString('en-US')} bytes of weights: ` +
        'the file is cut short (an interrupted copy or download?); copy the run folder again from where it was trained, or train it again',
    ]);
  }, 120_000);
});

describe('--dataset cifar100 with no network', () => {
  for (const command of ['train', 'eval'] as const) {
    it(`mlpx ${command}: says the download failed and that --data-file reads a local copy`, async () => {
      const url = await unreachableUrl('/cifar-100-binary.tar.gz');
      const env = { MLPX_DATA_DIR: join(work.path, `empty-cache-${command}`), MLPX_CIFAR100_URL: url };
      const args =
        command === 'train'
          ? ['train', '--dataset', 'cifar100', '--epochs', '1', '--out', join(work.path, 'cifar-run')]
          : ['eval', '--model', await anyModel(), '--dataset', 'cifar100'];
      const result = await runCli(args, { env });
      expect(result.code).toBe(1);
      expect(result.stderr).not.toMatch(STACK_LINE);
      const host = new URL(url).host;
      expect(errorLines(result.stderr)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${literal(`mlpx: error: cannot reach ${host} to download ${url}: `)}.+; ` +
              `${literal('to use a local copy instead, pass --data-file path/to/cifar-100-binary.tar.gz (the archive from https://www.cs.toronto.edu/~kriz/cifar.html, or the folder it unpacks to)')}$`,
          ),
        ),
      ]);
    }, 60_000);
  }
});

/** An .onnx model some test above wrote (eval needs one to get as far as the dataset). */
async function anyModel(): Promise<string> {
  const path = join(work.path, 'model.onnx');
  if (!existsSync(path))
    await trainAndExport(work.path, ['--model', 'gmlp', '--limit', '300', '--image-size', '32', '--patch-size', '8', '--embedding-dim', '16', '--blocks', '1']);
  return path;
}

describe('mlpx doctor', () => {
  it('names commands and a URL to read, never a README the installed packages lack', async () => {
    const result = await runCli(['doctor'], { env: { VK_ICD_FILENAMES: '', VK_DRIVER_FILES: '', MLPX_CUDA_DIR: join(work.path, 'no-cuda-install') } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/README/);
    expect(result.stderr).not.toMatch(DAWN_OUTPUT);
    const webgpu = lines(result.stdout).filter((line) => /^ {2}webgpu +unavailable: no WebGPU adapter/.test(line));
    for (const line of webgpu) {
      expect(line).toContain("install libvulkan1 and your GPU's Vulkan driver: on Debian and Ubuntu `sudo apt-get install libvulkan1 mesa-vulkan-drivers`");
      expect(line).toContain('https://github.com/mlpx/mlpx/blob/main/docs/gpus.md#webgpu');
    }
  }, 60_000);
});
