/**
 * The wheels pip would install for `onnxruntime-gpu[<extras>]==<onnxruntime-node's version>`,
 * each found on the package index (simple-index.ts) and unpacked into the install folder
 * (unpack-wheel.ts). The requirements come from the wheels' own METADATA: the provider's extras,
 * then each nvidia-* wheel's requirements, breadth first. A project is chosen once; a later
 * requirement its chosen version does not satisfy is an error naming both.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import type { InstalledWheel } from '@mlpx/infer/tooling';
import { parseVersion, satisfies } from './pep440.js';
import { activeRequirements, parseMetadata, type WheelMetadata } from './requirements.js';
import { findWheel, type WheelFile } from './simple-index.js';
import { unpackWheel, wheelFolder } from './unpack-wheel.js';
import type { WheelDownloadProgress } from './wheel-download.js';

/** The PyPI project whose wheel holds the provider, and the extras that bring CUDA and cuDNN. */
export const PROVIDER_PROJECT = 'onnxruntime-gpu';
export const DEFAULT_EXTRAS = ['cuda', 'cudnn'] as const;
/** PyPI's CUDA libraries are NVIDIA's nvidia-* wheels; other requirements (numpy, ...) are Python's. */
const LIBRARY_PROJECT = /^nvidia-/;

export interface FetchRequest {
  /** The install folder. */
  readonly folder: string;
  readonly indexUrl: string;
  /** onnxruntime-node's version: the onnxruntime-gpu release to install. */
  readonly onnxruntimeVersion: string;
  readonly extras: readonly string[];
  readonly force: boolean;
  readonly onProgress?: ((progress: WheelDownloadProgress) => void) | undefined;
  readonly say: (message: string) => void;
}

export interface FetchedWheels {
  /** onnxruntime-gpu's wheel. */
  readonly provider: InstalledWheel;
  /** Every wheel, the provider's first, then the others in the order they were required. */
  readonly wheels: InstalledWheel[];
  /** Bytes that came over the network in this run. */
  readonly transferredBytes: number;
}

/** A project to install, and what asked for it ('' for onnxruntime-gpu itself). */
interface Wanted {
  readonly name: string;
  readonly specifiers: string;
  readonly requiredBy: string;
}

export async function fetchWheels(request: FetchRequest): Promise<FetchedWheels> {
  await mkdir(join(request.folder, 'wheels'), { recursive: true });
  const queue: Wanted[] = [{ name: PROVIDER_PROJECT, specifiers: `==${request.onnxruntimeVersion}`, requiredBy: '' }];
  const chosen = new Map<string, InstalledWheel>();
  let transferredBytes = 0;
  while (queue.length > 0) {
    const wanted = queue.shift()!;
    if (isChosen(chosen, wanted)) continue;
    const wheel = await findWheel(request.indexUrl, wanted.name, wanted.specifiers);
    const isProvider = wanted.name === PROVIDER_PROJECT;
    const { stamp, transferredBytes: transferred } = await unpackWheel(wheel, { ...request, providerOnly: isProvider });
    transferredBytes += transferred;
    const metadata = parseMetadata(stamp.metadata, wheel.filename);
    if (isProvider) checkExtras(wheel, metadata, request.extras);
    chosen.set(wheel.name, installedWheel(wheel, stamp.libraries, wanted));
    queue.push(...libraryRequirements(wheel, metadata, isProvider ? request.extras : []));
  }
  await rm(join(request.folder, 'downloads'), { recursive: true, force: true });
  return { provider: chosen.get(PROVIDER_PROJECT)!, wheels: [...chosen.values()], transferredBytes };
}

/** Whether the project is chosen already; an error when its chosen version does not satisfy `wanted` too. */
function isChosen(chosen: ReadonlyMap<string, InstalledWheel>, wanted: Wanted): boolean {
  const already = chosen.get(wanted.name);
  if (!already) return false;
  if (!satisfies(parseVersion(already.version)!, wanted.specifiers)) {
    throw new MlpxError(
      `${wanted.requiredBy} requires ${wanted.name}${wanted.specifiers}, but ${already.requiredBy || PROVIDER_PROJECT} already brought ${wanted.name} ${already.version}`,
    );
  }
  return true;
}

function checkExtras(wheel: WheelFile, metadata: WheelMetadata, extras: readonly string[]): void {
  const missing = extras.filter((extra) => !metadata.extras.includes(extra));
  if (missing.length > 0) throw new MlpxError(`${wheel.filename} offers no extra ${missing.join(', ')} (its extras: ${metadata.extras.join(', ') || 'none'})`);
}

function installedWheel(wheel: WheelFile, libraries: string[], wanted: Wanted): InstalledWheel {
  return {
    name: wheel.name,
    version: wheel.version,
    filename: wheel.filename,
    url: wheel.url,
    sha256: wheel.sha256,
    size: wheel.size ?? 0,
    folder: wheelFolder(wheel),
    libraries,
    requiredBy: wanted.requiredBy ? `${wanted.requiredBy}: ${wanted.name}${wanted.specifiers}` : '',
  };
}

/** The nvidia-* wheels a wheel requires with the given extras active. */
function libraryRequirements(wheel: WheelFile, metadata: WheelMetadata, extras: readonly string[]): Wanted[] {
  return activeRequirements(metadata, extras)
    .filter((requirement) => LIBRARY_PROJECT.test(requirement.name))
    .map((requirement) => ({ name: requirement.name, specifiers: requirement.specifiers, requiredBy: `${wheel.name} ${wheel.version}` }));
}
