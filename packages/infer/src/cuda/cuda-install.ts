/**
 * Where `mlpx setup cuda` keeps onnxruntime-node's CUDA execution provider and the CUDA libraries
 * it needs, and the manifest that describes them.
 *
 *   <root>/                        $MLPX_CUDA_DIR, else ~/.cache/mlpx/cuda
 *     <onnxruntime version>/       one install per onnxruntime-node version, e.g. 1.30.0/
 *       install.json               this manifest, written last (atomically): present = usable
 *       downloads/                 wheels while they download (<wheel>.part); emptied after
 *       wheels/<name>-<version>/   the shared libraries of one wheel, flat, e.g.
 *                                  wheels/onnxruntime_gpu-1.30.0/libonnxruntime_providers_cuda.so
 *                                  wheels/nvidia_cublas-13.8.2.12/libcublas.so.13
 *
 * onnxruntime-node loads its providers from the folder of its own libonnxruntime.so, so setup
 * puts symlinks there (provider-links.ts) pointing at wheels/onnxruntime_gpu-<version>/.
 *
 * This file reads an install; `mlpx setup cuda` (packages/cli/src/setup/cuda/) makes one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';

export const INSTALL_JSON = 'install.json';

/** The oldest NVIDIA driver each CUDA major version runs on (Linux, R-number). */
export const MINIMUM_DRIVER: Readonly<Record<number, number>> = { 11: 450, 12: 525, 13: 580 };

export interface InstalledWheel {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly url: string;
  readonly sha256: string;
  readonly size: number;
  /** Relative to the install folder: wheels/<name>-<version>. */
  readonly folder: string;
  readonly libraries: string[];
  /** The requirement that brought it ('' for onnxruntime-gpu itself). */
  readonly requiredBy: string;
}

export interface InstalledLibrary {
  /** Relative to the install folder. */
  readonly path: string;
  readonly soname: string | undefined;
  readonly needed: string[];
}

/** What `mlpx setup cuda` installed; the preloader and the diagnosis trust nothing else. */
export interface CudaInstall {
  readonly source: 'pypi';
  readonly onnxruntimeVersion: string;
  /** The CUDA major version the provider was built for (from its NEEDED libcudart.so.<n>). */
  readonly cudaMajor: number;
  /** The oldest driver that major version needs (R-number), if known. */
  readonly minimumDriver: number | undefined;
  readonly indexUrl: string;
  readonly extras: string[];
  readonly installedAt: string;
  readonly downloadBytes: number;
  readonly wheels: InstalledWheel[];
  /** Relative paths of the provider's two libraries. */
  readonly provider: { readonly cuda: string; readonly shared: string };
  /** Relative paths of the CUDA libraries, in the order to load them (dependencies first). */
  readonly preload: string[];
  readonly libraries: InstalledLibrary[];
}

/** The folder every install lives under: $MLPX_CUDA_DIR, else ~/.cache/mlpx/cuda. */
export function cudaRoot(): string {
  const chosen = process.env['MLPX_CUDA_DIR'];
  return chosen ? resolve(chosen) : join(homedir(), '.cache', 'mlpx', 'cuda');
}

/** The version of the onnxruntime-node mlpx runs on. */
export function onnxruntimeVersion(): string {
  const require = createRequire(import.meta.url);
  const manifest = JSON.parse(readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** onnxruntime-node's library folder, where it looks for execution provider libraries. */
export function onnxruntimeLibraryFolder(): string {
  const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

/** The install folder for this onnxruntime-node version. */
export function cudaInstallFolder(root = cudaRoot(), version = onnxruntimeVersion()): string {
  return join(root, version);
}

function fail(path: string, problem: string): never {
  throw new MlpxError(`${path} is damaged (${problem}); run \`mlpx setup cuda --force\``);
}

export function parseCudaInstall(text: string, path: string): CudaInstall {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(path, `not JSON: ${describeError(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'not an object');
  const record = value as Record<string, unknown>;
  if (record['source'] !== 'pypi') fail(path, `'source' is not 'pypi'`);
  for (const key of ['onnxruntimeVersion', 'indexUrl', 'installedAt'] as const) if (typeof record[key] !== 'string') fail(path, `'${key}' is not a string`);
  if (typeof record['cudaMajor'] !== 'number') fail(path, `'cudaMajor' is not a number`);
  for (const key of ['wheels', 'preload', 'libraries', 'extras'] as const) if (!Array.isArray(record[key])) fail(path, `'${key}' is not a list`);
  const provider = record['provider'] as Record<string, unknown> | undefined;
  if (typeof provider?.['cuda'] !== 'string' || typeof provider['shared'] !== 'string') fail(path, `'provider' does not name the two provider libraries`);
  if ((record['preload'] as unknown[]).some((entry) => typeof entry !== 'string')) fail(path, `'preload' holds something other than paths`);
  return value as CudaInstall;
}

/** The manifest in `folder`, or undefined when no install is there. Synchronous: the preloader runs it. */
export function readCudaInstall(folder = cudaInstallFolder()): CudaInstall | undefined {
  const path = join(folder, INSTALL_JSON);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MlpxError(`cannot read ${path}: ${describeError(error)}`, { cause: error });
  }
  return parseCudaInstall(text, path);
}
