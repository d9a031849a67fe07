/**
 * `mlpx setup cuda` as a user runs it, against a fake package index (test/helpers/fake-pypi.ts):
 * it installs, a second run says there is nothing to do, a wrong checksum is one line naming the
 * file and both hashes, and `mlpx doctor` diagnoses the install from real dlopen failures (no
 * driver, a library gone, a driver too old, no GPU) using a stand-in libcuda.so.1 and nvidia-smi.
 *
 * With MLPX_TEST_REAL_CUDA_SETUP=1, one real run from PyPI (about 1.6 GB): every NEEDED library
 * of the provider then resolves the way mlpx loads them, except the driver's libcuda.so.1;
 * `mlpx infer --ep cuda` fails with the no-driver diagnosis in one line, and `--ep cuda,cpu`
 * gives the CPU's output. Its cache is $MLPX_CUDA_DIR when set (kept), else a temporary folder.
 *
 * These tests link onnxruntime-node's provider files to their caches, and put back what was
 * there (nothing, or links) when they end; they are skipped where a NuGet provider file is in place.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxruntimeLibraryFolder, readCudaInstall } from '@mlpx/infer/src/cuda/cuda-install.js';
import { inspectProviderFile, PROVIDER_LIBRARIES } from '@mlpx/infer/src/cuda/provider-links.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { FAKE_ORT_VERSION, fakeNvidiaSmi, hasCompiler, startFakeIndex, type FakeIndex } from '../helpers/fake-pypi.js';
import { REPO_ROOT, runCli, STACK_LINE, TINY_GMLP, trainAndExport } from '../helpers/run-cli.js';

const ORT_FOLDER = onnxruntimeLibraryFolder();
const saved = Object.values(PROVIDER_LIBRARIES).map((name) => inspectProviderFile(join(ORT_FOLDER, name)));
const NUGET_IN_PLACE = saved.some((file) => file.kind === 'file');

/** Puts onnxruntime-node's provider files back as they were before these tests. */
function restoreProviderFiles(): void {
  for (const file of saved) {
    rmSync(file.path, { force: true });
    if (file.kind === 'link') symlinkSync(file.target, file.path);
  }
}

/** This PATH less any folder holding a real nvidia-smi. */
const PATH_WITHOUT_SMI = (process.env['PATH'] ?? '')
  .split(':')
  .filter((folder) => folder && !existsSync(join(folder, 'nvidia-smi')))
  .join(':');

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  restoreProviderFiles();
  await work.remove();
});

describe.skipIf(!hasCompiler() || NUGET_IN_PLACE)('mlpx setup cuda from a fake package index', () => {
  let index: FakeIndex;
  let cache: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    index = await startFakeIndex(join(work.path, 'index'));
    cache = join(work.path, 'cache');
    // PATH without nvidia-smi unless a test puts a stand-in first.
    env = { MLPX_PYPI_INDEX_URL: index.url, MLPX_CUDA_DIR: cache, PATH: PATH_WITHOUT_SMI };
  }, 60_000);
  afterAll(async () => {
    await index?.close();
    restoreProviderFiles();
  });

  it('refuses a wrong checksum in one line naming the file and both hashes, and installs nothing', async () => {
    const runtime = index.wheels.find((wheel) => wheel.filename.startsWith('nvidia_cuda_runtime-13.0'))!;
    index.wrongHash.add(runtime.filename);
    try {
      const result = await runCli(['setup', 'cuda'], { env });
      expect(result.code).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('mlpx: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        new RegExp(`checksum mismatch for ${runtime.filename.replace(/\./g, '\\.')} .*sha256 [0-9a-f]{64}, the download has ${runtime.sha256}`),
      );
      expect(result.stderr).not.toMatch(STACK_LINE);
    } finally {
      index.wrongHash.delete(runtime.filename);
    }
    expect(existsSync(join(cache, FAKE_ORT_VERSION, 'install.json'))).toBe(false);
  });

  it('installs, prints the layout, size and time, and a second run does nothing', async () => {
    const first = await runCli(['setup', 'cuda'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/package index: http:\/\/127\.0\.0\.1:\d+\/simple \(from MLPX_PYPI_INDEX_URL\)/);
    expect(first.stdout).toContain(`${join(cache, FAKE_ORT_VERSION)}/\n  install.json\n  wheels/onnxruntime_gpu-${FAKE_ORT_VERSION}/`);
    expect(first.stdout).toMatch(/wheels\/nvidia_cublas-13\.0\.2\.14\/ +\(\d+ MB\) libcublas\.so\.13 libcublasLt\.so\.13/);
    expect(first.stdout).toMatch(/CUDA 13\) is set up: 5 wheels, \d+ MB \(\d+ MB downloaded now\) in [\d.]+ s; it needs an NVIDIA driver R580 or newer/);
    expect(readlinkSync(join(ORT_FOLDER, PROVIDER_LIBRARIES.cuda))).toBe(
      join(cache, FAKE_ORT_VERSION, 'wheels', `onnxruntime_gpu-${FAKE_ORT_VERSION}`, PROVIDER_LIBRARIES.cuda),
    );
    const second = await runCli(['setup', 'cuda'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/is already set up in .*; nothing to do \(--force downloads it again\)/);
  });

  it('doctor names the first missing link, from what fails to load', async () => {
    const line = async (extra: Record<string, string>) => {
      const result = await runCli(['doctor'], { env: { ...env, ...extra } });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.split('\n').filter((text) => /^ {2}cuda |^ {15}(provider|driver):/.test(text));
    };
    // No driver here: libcuda.so.1 does not load.
    const noDriver = await line({});
    expect(noDriver[0]).toMatch(
      /^ {2}cuda +no NVIDIA driver: libcuda\.so\.1 did not load \(libcuda\.so\.1: cannot open shared object file.*\); install the NVIDIA driver, R580 or newer for CUDA 13$/,
    );
    expect(noDriver[1]).toMatch(/provider: from PyPI \(onnxruntime-gpu 1\.30\.0, 5 wheels, \d+ MB\), CUDA 13, in /);
    expect(noDriver[2]).toMatch(/driver: nvidia-smi does not answer \(CUDA 13 needs R580 or newer\)/);
    // A stand-in driver: everything loads.
    const driver = { LD_LIBRARY_PATH: index.driverFolder };
    expect((await line(driver))[0]).toMatch(
      /cuda +the CUDA provider \(onnxruntime-gpu 1\.30\.0 from PyPI, CUDA 13, in .*\), its libraries and the driver all load$/,
    );
    // nvidia-smi says the driver is too old, or that it sees no GPU.
    const old = await fakeNvidiaSmi(join(work.path, 'old-smi'), '535.54.03, Fake GPU');
    const tooOld = await line({ ...driver, PATH: `${old}:${PATH_WITHOUT_SMI}` });
    expect(tooOld[0]).toMatch(/cuda +the NVIDIA driver 535\.54\.03 is too old for CUDA 13: it needs R580 or newer/);
    expect(tooOld[2]).toMatch(/driver: 535\.54\.03 on Fake GPU \(CUDA 13 needs R580 or newer\): TOO OLD/);
    const none = await fakeNvidiaSmi(join(work.path, 'none-smi'), 'No devices were found', 6);
    expect((await line({ ...driver, PATH: `${none}:${PATH_WITHOUT_SMI}` }))[0]).toMatch(
      /cuda +no GPU visible: nvidia-smi lists none \(No devices were found\)/,
    );
    // A library of the install gone: named, with dlopen's message.
    const curand = readCudaInstall(join(cache, FAKE_ORT_VERSION))!.preload.find((path) => path.endsWith('libcurand.so.10'))!;
    await rm(join(cache, FAKE_ORT_VERSION, curand));
    expect((await line(driver))[0]).toMatch(
      /cuda +library libcurand\.so\.10 did not resolve \(.*libcurand\.so\.10: cannot open shared object file.*\); run `npx mlpx setup cuda --force`$/,
    );
    // The links gone (a reinstalled node_modules): loading the CUDA libraries mends them.
    rmSync(join(ORT_FOLDER, PROVIDER_LIBRARIES.cuda));
    rmSync(join(ORT_FOLDER, PROVIDER_LIBRARIES.shared));
    await line(driver);
    expect(readlinkSync(join(ORT_FOLDER, PROVIDER_LIBRARIES.shared))).toBe(
      join(cache, FAKE_ORT_VERSION, 'wheels', `onnxruntime_gpu-${FAKE_ORT_VERSION}`, PROVIDER_LIBRARIES.shared),
    );
    // --force puts the missing library back.
    const forced = await runCli(['setup', 'cuda', '--force'], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await line(driver))[0]).toMatch(/its libraries and the driver all load$/);
  });
});

const REAL = process.env['MLPX_TEST_REAL_CUDA_SETUP'] === '1';

describe.skipIf(!REAL || NUGET_IN_PLACE)('mlpx setup cuda from PyPI (MLPX_TEST_REAL_CUDA_SETUP=1)', () => {
  let cache: string;
  let model: string;
  let images: string;
  beforeAll(async () => {
    cache = process.env['MLPX_CUDA_DIR'] ?? join(work.path, 'real-cache');
    model = await trainAndExport(work.path, TINY_GMLP);
    images = join(work.path, 'images');
    await mkdir(images, { recursive: true });
    const data = await loadDataset('fashion-mnist-sample', { limit: 8 });
    for (let i = 0; i < 8; i++)
      await sharp(data.test.images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(join(images, `${i}.png`));
  }, 180_000);

  it('installs the provider and its CUDA libraries; all but libcuda.so.1 resolve; infer explains the missing driver in one line and falls back to the CPU', async () => {
    const started = performance.now();
    const setup = await runCli(['setup', 'cuda'], { env: { MLPX_CUDA_DIR: cache } });
    const seconds = (performance.now() - started) / 1000;
    expect(setup.code, setup.stderr).toBe(0);
    process.stderr.write(`real mlpx setup cuda: ${seconds.toFixed(1)} s\n${setup.stdout}`);
    const install = readCudaInstall(join(cache, FAKE_ORT_VERSION))!;
    expect(install.cudaMajor).toBe(13);

    // Each NEEDED library of the provider, loaded by name after mlpx's preload: it resolves
    // exactly when the loader finds it already loaded (or on the system).
    const script = `
      const { preloadCuda } = await import(${JSON.stringify(join(REPO_ROOT, 'packages/infer/dist/cuda/preload-cuda.js'))});
      const { loadLibrary } = await import(${JSON.stringify(join(REPO_ROOT, 'packages/infer/dist/cuda/load-library.js'))});
      const { readElfDynamic } = await import(${JSON.stringify(join(REPO_ROOT, 'packages/infer/dist/cuda/elf-dynamic.js'))});
      preloadCuda();
      const needed = readElfDynamic(${JSON.stringify(join(cache, FAKE_ORT_VERSION, install.provider.cuda))}).needed;
      console.log(JSON.stringify(Object.fromEntries(needed.map((name) => [name, loadLibrary(name)]))));`;
    const resolved = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, MLPX_CUDA_DIR: cache } }),
    ) as Record<string, { ok: boolean; message?: string }>;
    process.stderr.write(`provider NEEDED: ${JSON.stringify(resolved)}\n`);
    const driverPresent = resolved['libcuda.so.1']?.ok === true;
    for (const [name, result] of Object.entries(resolved)) if (name !== 'libcuda.so.1') expect(result, name).toEqual({ ok: true });
    if (driverPresent) return; // a machine with a driver: the rest is about machines without one

    const env = { MLPX_CUDA_DIR: cache };
    const cuda = await runCli(['infer', '--model', model, '--ep', 'cuda', images], { env });
    expect(cuda.code).toBe(1);
    const lines = cuda.stderr.trim().split('\n');
    expect(lines).toEqual([
      `mlpx: error: cannot run ${model} on cuda: no NVIDIA driver: libcuda.so.1 did not load (libcuda.so.1: cannot open shared object file: No such file or directory); install the NVIDIA driver, R580 or newer for CUDA 13`,
    ]);
    expect(cuda.stderr).not.toMatch(/did not resolve/);
    process.stderr.write(`real diagnosis: ${lines[0]}\n`);

    const cpu = await runCli(['infer', '--model', model, '--ep', 'cpu', '--format', 'json', images], { env });
    const fallback = await runCli(['infer', '--model', model, '--ep', 'cuda,cpu', '--format', 'json', images], { env });
    expect(fallback.code, fallback.stderr).toBe(0);
    expect(fallback.stderr).toMatch(/cuda unavailable: no NVIDIA driver: libcuda\.so\.1 did not load/);
    expect(fallback.stderr).toMatch(/execution provider: cpu \(fallback\)/);
    const withoutSpeed = (text: string) => ({ ...JSON.parse(text), imagesPerSec: 0 });
    expect(withoutSpeed(fallback.stdout)).toEqual(withoutSpeed(cpu.stdout));
  }, 900_000);

  afterAll(async () => {
    restoreProviderFiles();
    if (!process.env['MLPX_CUDA_DIR']) await rm(cache, { recursive: true, force: true });
  });
});
