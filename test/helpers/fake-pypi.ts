/**
 * A fake PEP 691 package index for `mlpx setup cuda`: small wheels (zips written with yazl)
 * holding tiny real shared libraries (built with cc) that stand in for onnxruntime-gpu's CUDA
 * provider and NVIDIA's CUDA wheels, with the same names, SONAMEs, NEEDED entries and METADATA
 * extras as the real ones; served by a local HTTP server that can cut a download half way or
 * publish a wrong checksum.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import yazl from 'yazl';
import { startServer } from './dataset-fixtures.js';

export function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface FakeLibrary {
  readonly file: string;
  /** Libraries (file names in the build folder) it is linked against: its NEEDED entries. */
  readonly needs?: readonly string[];
}

interface FakeWheel {
  readonly project: string;
  readonly version: string;
  readonly filename: string;
  /** path in the wheel -> library file name in the build folder */
  readonly libraries: Record<string, string>;
  readonly metadata: string;
  /** Extra bytes so that a download is big enough to cut half way. */
  readonly padding?: number;
}

/** Builds `file` as a shared library with SONAME `file`, linked against `needs` (in `folder`). */
function buildLibrary(folder: string, library: FakeLibrary): void {
  const source = join(folder, `${library.file}.c`);
  const symbol = library.file.replace(/[^A-Za-z0-9]/g, '_');
  execFileSync('sh', ['-c', `printf 'int ${symbol}(void) { return 1; }\\n' > '${source}'`]);
  const links = (library.needs ?? []).map((name) => `-l:${name}`);
  execFileSync('cc', [
    '-shared',
    '-fPIC',
    '-o',
    join(folder, library.file),
    `-Wl,-soname,${library.file}`,
    '-Wl,--no-as-needed',
    source,
    `-L${folder}`,
    ...links,
  ]);
}

function metadata(name: string, version: string, lines: string[] = []): string {
  return ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...lines, '', 'The description.', ''].join('\n');
}

async function writeWheel(path: string, wheel: FakeWheel, build: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const distInfo = `${wheel.project.replace(/-/g, '_')}-${wheel.version}.dist-info`;
  zip.addBuffer(Buffer.from(wheel.metadata), `${distInfo}/METADATA`);
  zip.addBuffer(Buffer.from('Wheel-Version: 1.0\n'), `${distInfo}/WHEEL`);
  for (const [inside, file] of Object.entries(wheel.libraries)) zip.addBuffer(await readFile(join(build, file)), inside);
  zip.addBuffer(Buffer.from('print("not a library")\n'), `${wheel.project.replace(/-/g, '_')}/__init__.py`);
  // Random bytes stored uncompressed: a wheel big enough that cutting it half way means something.
  if (wheel.padding)
    zip.addBuffer(Buffer.from(Array.from({ length: wheel.padding }, (_, i) => (i * 7919) % 251)), `${distInfo}/padding.bin`, { compress: false });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  await writeFile(path, Buffer.concat(chunks));
}

export const FAKE_ORT_VERSION = '1.30.0';

/** The wheels of the fake index (a prerelease, an older major and a Windows wheel that must not be picked, too). */
function fakeWheels(): FakeWheel[] {
  const linux = 'py3-none-manylinux_2_17_x86_64';
  return [
    {
      project: 'onnxruntime-gpu',
      version: FAKE_ORT_VERSION,
      filename: `onnxruntime_gpu-${FAKE_ORT_VERSION}-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl`,
      libraries: {
        'onnxruntime/capi/libonnxruntime_providers_cuda.so': 'libonnxruntime_providers_cuda.so',
        'onnxruntime/capi/libonnxruntime_providers_shared.so': 'libonnxruntime_providers_shared.so',
        'onnxruntime/capi/libonnxruntime.so.1.30.0': 'libonnxruntime.so.1.30.0',
      },
      metadata: metadata('onnxruntime-gpu', FAKE_ORT_VERSION, [
        'Requires-Dist: numpy>=1.21.6',
        'Provides-Extra: cuda',
        'Requires-Dist: nvidia-cuda-runtime~=13.0; extra == "cuda"',
        'Requires-Dist: nvidia-curand~=10.0; extra == "cuda"',
        'Provides-Extra: cudnn',
        'Requires-Dist: nvidia-cudnn-cu13~=9.0; extra == "cudnn"',
        'Provides-Extra: symbolic',
        'Requires-Dist: sympy; extra == "symbolic"',
      ]),
    },
    // A Windows wheel of the same version: never picked.
    {
      project: 'onnxruntime-gpu',
      version: FAKE_ORT_VERSION,
      filename: `onnxruntime_gpu-${FAKE_ORT_VERSION}-cp312-cp312-win_amd64.whl`,
      libraries: {},
      metadata: metadata('onnxruntime-gpu', FAKE_ORT_VERSION),
    },
    {
      project: 'onnxruntime-gpu',
      version: '1.29.0',
      filename: 'onnxruntime_gpu-1.29.0-cp312-cp312-manylinux_2_28_x86_64.whl',
      libraries: {},
      metadata: metadata('onnxruntime-gpu', '1.29.0'),
    },
    {
      project: 'nvidia-cuda-runtime',
      version: '12.9.79',
      filename: `nvidia_cuda_runtime-12.9.79-${linux}.whl`,
      libraries: {},
      metadata: metadata('nvidia-cuda-runtime', '12.9.79'),
    },
    {
      project: 'nvidia-cuda-runtime',
      version: '13.0.96',
      filename: `nvidia_cuda_runtime-13.0.96-${linux}.whl`,
      libraries: { 'nvidia/cu13/lib/libcudart.so.13': 'libcudart.so.13' },
      metadata: metadata('nvidia-cuda-runtime', '13.0.96'),
    },
    {
      project: 'nvidia-cuda-runtime',
      version: '13.1.0rc1',
      filename: `nvidia_cuda_runtime-13.1.0rc1-${linux}.whl`,
      libraries: {},
      metadata: metadata('nvidia-cuda-runtime', '13.1.0rc1'),
    },
    {
      project: 'nvidia-curand',
      version: '10.4.0.35',
      filename: `nvidia_curand-10.4.0.35-${linux}.whl`,
      libraries: { 'nvidia/cu13/lib/libcurand.so.10': 'libcurand.so.10' },
      metadata: metadata('nvidia-curand', '10.4.0.35'),
    },
    {
      project: 'nvidia-cudnn-cu13',
      version: '9.13.0.50',
      filename: `nvidia_cudnn_cu13-9.13.0.50-${linux}.whl`,
      libraries: { 'nvidia/cudnn/lib/libcudnn.so.9': 'libcudnn.so.9', 'nvidia/cudnn/include/cudnn.h': 'libcudnn.so.9' },
      metadata: metadata('nvidia-cudnn-cu13', '9.13.0.50', ['Requires-Dist: nvidia-cublas']),
    },
    {
      project: 'nvidia-cublas',
      version: '13.0.2.14',
      filename: `nvidia_cublas-13.0.2.14-${linux}.whl`,
      libraries: { 'nvidia/cu13/lib/libcublas.so.13': 'libcublas.so.13', 'nvidia/cu13/lib/libcublasLt.so.13': 'libcublasLt.so.13' },
      metadata: metadata('nvidia-cublas', '13.0.2.14', ['Requires-Dist: nvidia-cuda-runtime', 'Requires-Dist: pywin32; sys_platform == "win32"']),
      padding: 400_000,
    },
  ];
}

export interface FakeIndex {
  /** The index URL (…/simple). */
  readonly url: string;
  /** The folder holding a fake driver, libcuda.so.1 (for LD_LIBRARY_PATH), and a nvidia-smi stand-in maker. */
  readonly driverFolder: string;
  /** Every request path, in order, with its Range header. */
  readonly requests: { path: string; range: string | undefined }[];
  /** Wheel file names whose first download the server cuts half way. */
  readonly cutOnce: Set<string>;
  /** Wheel file names whose published sha256 is wrong. */
  readonly wrongHash: Set<string>;
  readonly wheels: readonly { filename: string; sha256: string; size: number }[];
  close(): Promise<void>;
}

/** Builds the libraries and wheels in `folder` and serves them. */
export async function startFakeIndex(folder: string): Promise<FakeIndex> {
  const build = join(folder, 'build');
  const driver = join(folder, 'driver');
  await mkdir(build, { recursive: true });
  await mkdir(driver, { recursive: true });
  buildLibrary(driver, { file: 'libcuda.so.1' });
  for (const library of [
    { file: 'libcudart.so.13' },
    { file: 'libcublasLt.so.13' },
    { file: 'libcublas.so.13', needs: ['libcublasLt.so.13'] },
    { file: 'libcurand.so.10', needs: ['libcudart.so.13'] },
    { file: 'libcudnn.so.9' },
    { file: 'libonnxruntime_providers_shared.so' },
    { file: 'libonnxruntime.so.1.30.0' },
  ])
    buildLibrary(build, library);
  // The provider needs what the real one does: cuBLAS(Lt), cuRAND, the CUDA runtime and the driver.
  execFileSync('cp', [join(driver, 'libcuda.so.1'), join(build, 'libcuda.so.1')]);
  buildLibrary(build, {
    file: 'libonnxruntime_providers_cuda.so',
    needs: ['libcublasLt.so.13', 'libcublas.so.13', 'libcurand.so.10', 'libcudart.so.13', 'libcuda.so.1'],
  });

  const files = join(folder, 'files');
  await mkdir(files, { recursive: true });
  const wheels = fakeWheels();
  const published: { project: string; filename: string; sha256: string; size: number }[] = [];
  for (const wheel of wheels) {
    const path = join(files, wheel.filename);
    await writeWheel(path, wheel, build);
    const bytes = await readFile(path);
    published.push({ project: wheel.project, filename: wheel.filename, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  }

  const requests: { path: string; range: string | undefined }[] = [];
  const cutOnce = new Set<string>();
  const wrongHash = new Set<string>();
  const cutDone = new Set<string>();
  let base = '';
  const server = await startServer((path: string, response: ServerResponse, request: IncomingMessage) => {
    requests.push({ path, range: request.headers.range });
    void (async () => {
      const project = /^\/simple\/([^/]+)\/$/.exec(path)?.[1];
      if (project) {
        const listed = published.filter((file) => file.project === project);
        if (listed.length === 0) {
          response.writeHead(404).end('not found');
          return;
        }
        const body = {
          meta: { 'api-version': '1.1' },
          name: project,
          files: listed.map((file) => ({
            filename: file.filename,
            url: `../../files/${file.filename}`,
            hashes: { sha256: wrongHash.has(file.filename) ? createHash('sha256').update('something else').digest('hex') : file.sha256 },
            size: file.size,
            yanked: false,
          })),
        };
        response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify(body));
        return;
      }
      const name = /^\/files\/([^/]+)$/.exec(path)?.[1];
      const file = published.find((entry) => entry.filename === name);
      if (!file) {
        response.writeHead(404).end('not found');
        return;
      }
      const bytes = await readFile(join(files, file.filename));
      if (cutOnce.has(file.filename) && !cutDone.has(file.filename)) {
        cutDone.add(file.filename);
        response.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
        response.write(bytes.subarray(0, bytes.length >> 1), () => response.destroy());
        return;
      }
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      if (range && Number(range[1]) < bytes.length) {
        const from = Number(range[1]);
        response.writeHead(206, { 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}`, 'content-length': String(bytes.length - from) });
        response.end(bytes.subarray(from));
        return;
      }
      response.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' }).end(bytes);
    })();
  });
  base = server.url('/simple');
  return { url: base, driverFolder: driver, requests, cutOnce, wrongHash, wheels: published, close: server.close };
}

/** A stand-in nvidia-smi in `folder` (put it first on PATH) that prints `output` and exits with `code`. */
export async function fakeNvidiaSmi(folder: string, output: string, code = 0): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'nvidia-smi');
  await writeFile(path, `#!/bin/sh\necho '${output}'\nexit ${code}\n`, { mode: 0o755 });
  return folder;
}
