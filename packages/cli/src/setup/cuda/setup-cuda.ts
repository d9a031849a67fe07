/**
 * `mlpx setup cuda` (PyPI): onnxruntime-node's CUDA execution provider and the CUDA libraries it
 * needs, from the wheels pip would install for `onnxruntime-gpu[cuda,cudnn]==<onnxruntime-node's
 * version>`; no pip, no Python, no CUDA toolkit. The dependencies come from the wheels' own
 * METADATA (the extras of onnxruntime-gpu, then each nvidia-* wheel's requirements). Each wheel
 * is downloaded (sha256-checked, resumable), its shared libraries are unpacked into the cache and
 * the wheel is deleted; install.json is written last, and onnxruntime-node's folder gets links
 * to the provider. A second run with everything in place changes nothing.
 *
 * What runs on the install (the preloader, the diagnosis, doctor's description) is @mlpx/infer's;
 * this folder only makes it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';
import { cudaInstallFolder, cudaRoot, onnxruntimeVersion, readCudaInstall, type CudaInstall } from '@mlpx/infer/tooling';
import { DEFAULT_EXTRAS, fetchWheels } from './fetch-wheels.js';
import { pickIndexUrl, type IndexUrl } from './index-url.js';
import { describeInstall, writeCudaInstall } from './install-record.js';
import { linkProvider, relinkProvider } from './provider-links.js';
import { removeOtherWheels } from './unpack-wheel.js';
import { unresolvedLibraries } from './unresolved-libraries.js';
import type { WheelDownloadProgress } from './wheel-download.js';

export interface SetupCudaOptions {
  readonly force?: boolean;
  /** Defaults to cudaRoot() ($MLPX_CUDA_DIR or ~/.cache/mlpx/cuda). */
  readonly root?: string;
  /** Defaults to pickIndexUrl(): $MLPX_PYPI_INDEX_URL, pip's configured index, or PyPI. */
  readonly indexUrl?: string;
  readonly extras?: readonly string[];
  /** onnxruntime-node's library folder (tests); defaults to the installed package's. */
  readonly onnxruntimeFolder?: string;
  readonly onProgress?: (progress: WheelDownloadProgress) => void;
  readonly onInfo?: (message: string) => void;
}

export interface SetupCudaResult {
  /** true when everything was already in place and nothing was downloaded. */
  readonly reused: boolean;
  readonly folder: string;
  readonly install: CudaInstall;
  /** Bytes that came over the network in this run. */
  readonly transferredBytes: number;
  readonly seconds: number;
  /** Regular provider files (from NuGet) that the links replaced. */
  readonly replaced: string[];
  /** NEEDED libraries no wheel provides and the system's loader does not find (libcuda.so.1 aside). */
  readonly unresolved: string[];
}

export async function setupCuda(options: SetupCudaOptions = {}): Promise<SetupCudaResult> {
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const say = options.onInfo ?? (() => {});
  checkPlatform();
  const version = onnxruntimeVersion();
  const folder = cudaInstallFolder(options.root ?? cudaRoot(), version);
  const force = options.force === true;

  const existing = completeInstall(folder, force, say);
  if (existing) {
    const replaced = relinkProvider(folder, existing, options.onnxruntimeFolder);
    return { reused: true, folder, install: existing, transferredBytes: 0, seconds: seconds(), replaced, unresolved: [] };
  }

  const index = packageIndex(options.indexUrl, say);
  const extras = [...(options.extras ?? DEFAULT_EXTRAS)];
  const fetched = await fetchWheels({ folder, indexUrl: index.url, onnxruntimeVersion: version, extras, force, onProgress: options.onProgress, say });
  const install = describeInstall(folder, fetched, { onnxruntimeVersion: version, indexUrl: index.url, extras });
  const unresolved = unresolvedLibraries(install);
  await removeOtherWheels(folder, install.wheels);
  await writeCudaInstall(folder, install);
  const replaced = linkProvider(folder, install, options.onnxruntimeFolder);
  return { reused: false, folder, install, transferredBytes: fetched.transferredBytes, seconds: seconds(), replaced, unresolved };
}

function checkPlatform(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new MlpxError(`onnxruntime-node's CUDA execution provider is for Linux x64 only (this is ${process.platform}/${process.arch})`);
  }
}

/** The install in `folder` when it is complete and not to be redone; a damaged manifest is said, and installed over. */
function completeInstall(folder: string, force: boolean, say: (message: string) => void): CudaInstall | undefined {
  let existing: CudaInstall | undefined;
  try {
    existing = readCudaInstall(folder);
  } catch (error) {
    if (!force) say(`${describeError(error)}; installing again`);
  }
  return existing && !force && allPresent(folder, existing) ? existing : undefined;
}

function allPresent(folder: string, install: CudaInstall): boolean {
  const files = [install.provider.cuda, install.provider.shared, ...install.preload, ...install.libraries.map((library) => library.path)];
  return files.every((file) => existsSync(join(folder, file)));
}

/** The index named by the option, else pickIndexUrl()'s; said, with where it came from. */
function packageIndex(explicit: string | undefined, say: (message: string) => void): IndexUrl {
  const index = explicit ? { url: explicit.replace(/\/+$/, ''), from: 'option' } : pickIndexUrl();
  say(`package index: ${index.url}${index.from === 'default' ? '' : ` (from ${index.from})`}`);
  return index;
}
