/**
 * setupCuda against a fake PEP 691 index (test/helpers/fake-pypi.ts): the wheels the metadata's
 * extras name are found, downloaded with their checksums checked, unpacked (libraries only) and
 * described in install.json; a cut download resumes with a Range request; a wrong checksum is
 * refused and installs nothing; a second run is a no-op; an unreachable index is one clear error.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCuda } from 'mlpx/src/setup/cuda/setup-cuda.js';
import { readCudaInstall } from '@mlpx/infer/src/cuda/cuda-install.js';
import { expectMlpxError, tempDir, unreachableUrl } from '../../helpers/dataset-fixtures.js';
import { FAKE_ORT_VERSION, hasCompiler, startFakeIndex, type FakeIndex } from '../../helpers/fake-pypi.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let index: FakeIndex;

beforeAll(async () => {
  if (!hasCompiler()) return;
  work = await tempDir();
  index = await startFakeIndex(join(work.path, 'index'));
}, 60_000);
afterAll(async () => {
  await index?.close();
  await work?.remove();
});

function options(name: string) {
  const ortFolder = join(work.path, name, 'onnxruntime-node');
  return { root: join(work.path, name, 'cache'), indexUrl: index.url, onnxruntimeFolder: ortFolder };
}

async function mkdirp(path: string): Promise<void> {
  await (await import('node:fs/promises')).mkdir(path, { recursive: true });
}

describe.skipIf(!hasCompiler())('setupCuda from a fake package index', () => {
  it('installs the provider and the wheels its cuda and cudnn extras need, with their checksums checked', async () => {
    const opts = options('fresh');
    await mkdirp(opts.onnxruntimeFolder);
    const progress: number[] = [];
    const result = await setupCuda({ ...opts, onProgress: (p) => progress.push(p.receivedBytes) });
    expect(result.reused).toBe(false);
    const folder = join(opts.root, FAKE_ORT_VERSION);
    expect(result.folder).toBe(folder);
    const install = readCudaInstall(folder)!;
    // Extras resolved from METADATA: cuda (runtime ~=13.0, not 12.9 or the 13.1 prerelease; curand),
    // cudnn, and cudnn's own requirement nvidia-cublas; numpy and sympy are not followed.
    expect(install.wheels.map((wheel) => `${wheel.name} ${wheel.version}`)).toEqual([
      `onnxruntime-gpu ${FAKE_ORT_VERSION}`,
      'nvidia-cuda-runtime 13.0.96',
      'nvidia-curand 10.4.0.35',
      'nvidia-cudnn-cu13 9.13.0.50',
      'nvidia-cublas 13.0.2.14',
    ]);
    expect(install.wheels[0]!.filename).toMatch(/manylinux_2_28_x86_64\.whl$/);
    expect(install.wheels.find((wheel) => wheel.name === 'nvidia-cublas')!.requiredBy).toBe('nvidia-cudnn-cu13 9.13.0.50: nvidia-cublas');
    for (const wheel of install.wheels) expect(wheel.sha256).toBe(index.wheels.find((w) => w.filename === wheel.filename)!.sha256);
    expect(install.cudaMajor).toBe(13);
    expect(install.minimumDriver).toBe(580);
    expect(install.extras).toEqual(['cuda', 'cudnn']);
    // Only the provider's two libraries from onnxruntime-gpu; only .so files from the others.
    expect(
      readdirSync(join(folder, 'wheels', `onnxruntime_gpu-${FAKE_ORT_VERSION}`))
        .filter((f) => !f.startsWith('.'))
        .sort(),
    ).toEqual(['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']);
    expect(readdirSync(join(folder, 'wheels', 'nvidia_cudnn_cu13-9.13.0.50')).filter((f) => !f.startsWith('.'))).toEqual(['libcudnn.so.9']);
    // Dependencies before their dependents.
    const order = install.preload.map((path) => path.split('/').pop());
    expect(order.indexOf('libcublasLt.so.13')).toBeLessThan(order.indexOf('libcublas.so.13'));
    expect(order.indexOf('libcudart.so.13')).toBeLessThan(order.indexOf('libcurand.so.10'));
    expect(order).not.toContain('libonnxruntime_providers_cuda.so');
    // The wheels are gone once unpacked; onnxruntime-node's folder links to the provider.
    expect(existsSync(join(folder, 'downloads'))).toBe(false);
    const link = join(opts.onnxruntimeFolder, 'libonnxruntime_providers_cuda.so');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(folder, install.provider.cuda));
    expect(progress.length).toBeGreaterThan(0);
    expect(result.transferredBytes).toBe(index.wheels.filter((w) => install.wheels.some((i) => i.filename === w.filename)).reduce((sum, w) => sum + w.size, 0));
  });

  it('does nothing on a second run, and everything again with force', async () => {
    const opts = options('twice');
    await mkdirp(opts.onnxruntimeFolder);
    await setupCuda(opts);
    const manifest = await readFile(join(opts.root, FAKE_ORT_VERSION, 'install.json'), 'utf8');
    const before = index.requests.length;
    const again = await setupCuda(opts);
    expect(again.reused).toBe(true);
    expect(again.transferredBytes).toBe(0);
    expect(index.requests.length).toBe(before); // not even the index was asked
    expect(await readFile(join(opts.root, FAKE_ORT_VERSION, 'install.json'), 'utf8')).toBe(manifest);
    const forced = await setupCuda({ ...opts, force: true });
    expect(forced.reused).toBe(false);
    expect(index.requests.slice(before).filter((r) => r.path.startsWith('/files/'))).toHaveLength(5);
  });

  it('continues a download cut half way with a Range request', async () => {
    const opts = options('cut');
    await mkdirp(opts.onnxruntimeFolder);
    const cublas = index.wheels.find((wheel) => wheel.filename.startsWith('nvidia_cublas-'))!;
    index.cutOnce.add(cublas.filename);
    const before = index.requests.length;
    const result = await setupCuda(opts);
    const asked = index.requests.slice(before).filter((r) => r.path === `/files/${cublas.filename}`);
    expect(asked).toHaveLength(2);
    expect(asked[0]!.range).toBeUndefined();
    expect(asked[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(asked[1]!.range!)![0])).toBeGreaterThan(0);
    expect(result.install.wheels.find((wheel) => wheel.name === 'nvidia-cublas')!.sha256).toBe(cublas.sha256);
  });

  it('refuses a wheel whose checksum does not match, in one line naming the file and both hashes, and installs nothing', async () => {
    const opts = options('bad-hash');
    await mkdirp(opts.onnxruntimeFolder);
    const curand = index.wheels.find((wheel) => wheel.filename.startsWith('nvidia_curand-'))!;
    index.wrongHash.add(curand.filename);
    try {
      const error = await expectMlpxError(setupCuda(opts), `checksum mismatch for ${curand.filename}`, curand.sha256, 'nothing was installed');
      expect(error.message).not.toContain('\n');
    } finally {
      index.wrongHash.delete(curand.filename);
    }
    expect(existsSync(join(opts.root, FAKE_ORT_VERSION, 'install.json'))).toBe(false);
    expect(existsSync(join(opts.root, FAKE_ORT_VERSION, 'downloads', `${curand.filename}.part`))).toBe(false);
    expect(readdirSync(opts.onnxruntimeFolder)).toEqual([]);
  });

  it('says which host it cannot reach', async () => {
    const opts = options('offline');
    const url = await unreachableUrl('/simple');
    const error = await expectMlpxError(setupCuda({ ...opts, indexUrl: url }), `cannot reach ${new URL(url).host}`, 'MLPX_PYPI_INDEX_URL');
    expect(error.message).not.toContain('\n');
  });
});
