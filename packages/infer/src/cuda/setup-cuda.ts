/**
 * `mlpx setup cuda` (PyPI): onnxruntime-node's CUDA execution provider and the CUDA libraries it
 * needs, from the wheels pip would install for `onnxruntime-gpu[cuda,cudnn]==<onnxruntime-node's
 * version>`; no pip, no Python, no CUDA toolkit. The dependencies come from the wheels' own
 * METADATA (the extras of onnxruntime-gpu, then each nvidia-* wheel's requirements). Each wheel
 * is downloaded (sha256-checked, resumable), its shared libraries are unpacked into the cache and
 * the wheel is deleted; install.json is written last, and onnxruntime-node's folder gets links
 * to the provider. A second run with everything in place changes nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';
import {
  cudaInstallFolder,
  cudaRoot,
  MINIMUM_DRIVER,
  onnxruntimeVersion,
  readCudaInstall,
  writeCudaInstall,
  type CudaInstall,
  type InstalledLibrary,
  type InstalledWheel,
} from './cuda-install.js';
import { readElfDynamic } from './elf-dynamic.js';
import { pickIndexUrl } from './index-url.js';
import { loadOrder, unresolvedNeeds } from './library-order.js';
import { loadLibrary } from './load-library.js';
import { linkProvider, mendProviderLinks, PROVIDER_LIBRARIES } from './provider-links.js';
import { activeRequirements, parseMetadata } from './requirements.js';
import { satisfies, parseVersion } from './pep440.js';
import { findWheel, type WheelFile } from './simple-index.js';
import { downloadWheel, type WheelDownloadProgress } from './wheel-download.js';
import { extractLibraries, readWheelMetadata } from './wheel-libraries.js';

/** The PyPI project whose wheel holds the provider, and the extras that bring CUDA and cuDNN. */
export const PROVIDER_PROJECT = 'onnxruntime-gpu';
export const DEFAULT_EXTRAS = ['cuda', 'cudnn'] as const;
/** PyPI's CUDA libraries are NVIDIA's nvidia-* wheels; other requirements (numpy, ...) are Python's. */
const LIBRARY_PROJECT = /^nvidia-/;
/** Libraries the system provides: glibc's, the C++ runtime, and the driver's libcuda. */
const SYSTEM_LIBRARY = /^(libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+|ld-linux-x86-64|libutil)\.so|^libcuda\.so\.1$|^libonnxruntime/;

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

/** What a finished wheel folder remembers, so an interrupted setup does not download it again. */
interface WheelStamp {
  readonly sha256: string;
  readonly metadata: string;
  readonly libraries: string[];
}
const STAMP = '.mlpx-wheel.json';

function wheelFolderName(wheel: WheelFile): string {
  return `${wheel.name.replace(/-/g, '_')}-${wheel.version}`;
}

function allPresent(folder: string, install: CudaInstall): boolean {
  const files = [install.provider.cuda, install.provider.shared, ...install.preload, ...install.libraries.map((library) => library.path)];
  return files.every((file) => existsSync(join(folder, file)));
}

async function readStamp(target: string): Promise<WheelStamp | undefined> {
  try {
    return JSON.parse(await readFile(join(target, STAMP), 'utf8')) as WheelStamp;
  } catch {
    return undefined;
  }
}

export async function setupCuda(options: SetupCudaOptions = {}): Promise<SetupCudaResult> {
  const started = performance.now();
  const say = options.onInfo ?? (() => {});
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new MlpxError(`onnxruntime-node's CUDA execution provider is for Linux x64 only (this is ${process.platform}/${process.arch})`);
  }
  const version = onnxruntimeVersion();
  const folder = cudaInstallFolder(options.root ?? cudaRoot(), version);
  const extras = [...(options.extras ?? DEFAULT_EXTRAS)];
  const seconds = (): number => (performance.now() - started) / 1000;

  let existing: CudaInstall | undefined;
  try {
    existing = readCudaInstall(folder);
  } catch (error) {
    if (!options.force) say(`${describeError(error)}; installing again`);
  }
  if (existing && !options.force && allPresent(folder, existing)) {
    const linked = mendProviderLinks(folder, existing, options.onnxruntimeFolder);
    const replaced = linked ? [] : linkProvider(folder, existing, options.onnxruntimeFolder);
    return { reused: true, folder, install: existing, transferredBytes: 0, seconds: seconds(), replaced, unresolved: [] };
  }

  const index = options.indexUrl ? { url: options.indexUrl.replace(/\/+$/, ''), from: 'option' } : pickIndexUrl();
  say(`package index: ${index.url}${index.from === 'default' ? '' : ` (from ${index.from})`}`);
  const downloads = join(folder, 'downloads');
  await mkdir(join(folder, 'wheels'), { recursive: true });

  const queue: { name: string; specifiers: string; requiredBy: string }[] = [{ name: PROVIDER_PROJECT, specifiers: `==${version}`, requiredBy: '' }];
  const chosen = new Map<string, InstalledWheel>();
  let transferredBytes = 0;
  let downloadBytes = 0;
  while (queue.length > 0) {
    const requirement = queue.shift()!;
    const already = chosen.get(requirement.name);
    if (already) {
      if (!satisfies(parseVersion(already.version)!, requirement.specifiers)) {
        throw new MlpxError(
          `${requirement.requiredBy} requires ${requirement.name}${requirement.specifiers}, but ${already.requiredBy || PROVIDER_PROJECT} already brought ${requirement.name} ${already.version}`,
        );
      }
      continue;
    }
    const wheel = await findWheel(index.url, requirement.name, requirement.specifiers);
    const isProvider = requirement.name === PROVIDER_PROJECT;
    const target = join(folder, 'wheels', wheelFolderName(wheel));
    let stamp = options.force ? undefined : await readStamp(target);
    if (stamp?.sha256 !== wheel.sha256 || !stamp.libraries.every((name) => existsSync(join(target, name)))) stamp = undefined;
    if (stamp) {
      say(`${wheel.filename}: already unpacked in ${target}`);
    } else {
      const path = join(downloads, wheel.filename);
      const downloaded = await downloadWheel({ url: wheel.url, sha256: wheel.sha256, destination: path, size: wheel.size, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      transferredBytes += downloaded.transferredBytes;
      const metadata = await readWheelMetadata(path);
      const libraries = await extractLibraries(path, target, isProvider ? (entry) => Object.values(PROVIDER_LIBRARIES).some((name) => entry.endsWith(`/${name}`)) : undefined);
      stamp = { sha256: wheel.sha256, metadata, libraries };
      await writeFile(join(target, STAMP), JSON.stringify(stamp));
      await rm(path, { force: true });
    }
    const metadata = parseMetadata(stamp.metadata, wheel.filename);
    if (isProvider) {
      const missing = extras.filter((extra) => !metadata.extras.includes(extra));
      if (missing.length > 0) throw new MlpxError(`${wheel.filename} offers no extra ${missing.join(', ')} (its extras: ${metadata.extras.join(', ') || 'none'})`);
    }
    const size = wheel.size ?? 0;
    downloadBytes += size;
    chosen.set(wheel.name, {
      name: wheel.name,
      version: wheel.version,
      filename: wheel.filename,
      url: wheel.url,
      sha256: wheel.sha256,
      size,
      folder: join('wheels', wheelFolderName(wheel)),
      libraries: stamp.libraries,
      requiredBy: requirement.requiredBy ? `${requirement.requiredBy}: ${requirement.name}${requirement.specifiers}` : '',
    });
    for (const next of activeRequirements(metadata, isProvider ? extras : [])) {
      if (LIBRARY_PROJECT.test(next.name)) queue.push({ name: next.name, specifiers: next.specifiers, requiredBy: `${wheel.name} ${wheel.version}` });
    }
  }
  await rm(downloads, { recursive: true, force: true });

  const wheels = [...chosen.values()];
  const providerWheel = chosen.get(PROVIDER_PROJECT)!;
  const libraries: InstalledLibrary[] = [];
  for (const wheel of wheels) {
    for (const name of wheel.libraries) {
      const path = join(wheel.folder, name);
      const elf = readElfDynamic(join(folder, path));
      libraries.push({ path, soname: elf.soname, needed: elf.needed });
    }
  }
  const providerPath = (name: string): string => {
    if (!providerWheel.libraries.includes(name)) throw new MlpxError(`${providerWheel.filename} holds no ${name}`);
    return join(providerWheel.folder, name);
  };
  const provider = { cuda: providerPath(PROVIDER_LIBRARIES.cuda), shared: providerPath(PROVIDER_LIBRARIES.shared) };
  const providerElf = libraries.find((library) => library.path === provider.cuda)!;
  const cudart = providerElf.needed.map((name) => /^libcudart\.so\.(\d+)$/.exec(name)).find(Boolean);
  if (!cudart) throw new MlpxError(`${join(folder, provider.cuda)} needs no libcudart.so.<n>: cannot tell which CUDA it was built for`);
  const cudaMajor = Number(cudart[1]);
  const cudaLibraries = libraries.filter((library) => !library.path.startsWith(`${providerWheel.folder}/`));
  const install: CudaInstall = {
    source: 'pypi',
    onnxruntimeVersion: version,
    cudaMajor,
    minimumDriver: MINIMUM_DRIVER[cudaMajor],
    indexUrl: index.url,
    extras,
    installedAt: new Date().toISOString(),
    downloadBytes,
    wheels,
    provider,
    preload: loadOrder(cudaLibraries),
    libraries,
  };
  // Needed by some library, in no wheel, and not loadable from the system (libz.so.1 usually is).
  const unresolved = unresolvedNeeds(libraries, SYSTEM_LIBRARY).filter((name) => !loadLibrary(name).ok);

  // Wheel folders of earlier installs (other versions) go; this install's stay.
  const keep = new Set(wheels.map((wheel) => wheel.folder.split('/')[1]));
  for (const entry of await readdir(join(folder, 'wheels'))) if (!keep.has(entry)) await rm(join(folder, 'wheels', entry), { recursive: true, force: true });
  await writeCudaInstall(folder, install);
  const replaced = linkProvider(folder, install, options.onnxruntimeFolder);
  return { reused: false, folder, install, transferredBytes, seconds: seconds(), replaced, unresolved };
}
