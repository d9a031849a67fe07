/**
 * One wheel's shared libraries in its folder of the install, wheels/<name>-<version>/: downloaded
 * into downloads/ (sha256-checked, resumable: wheel-download.ts), unpacked (wheel-libraries.ts),
 * and the wheel deleted. A stamp file in the folder remembers the wheel's sha256, METADATA and
 * libraries, so that an interrupted setup does not download a finished wheel again.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROVIDER_LIBRARIES, type InstalledWheel } from '@mlpx/infer/tooling';
import type { WheelFile } from './simple-index.js';
import { downloadWheel, type WheelDownloadProgress } from './wheel-download.js';
import { extractLibraries, readWheelMetadata } from './wheel-libraries.js';

/** What a finished wheel folder remembers. */
export interface WheelStamp {
  readonly sha256: string;
  /** The wheel's METADATA, as text. */
  readonly metadata: string;
  /** The file names of its libraries in the folder. */
  readonly libraries: string[];
}

export interface UnpackRequest {
  /** The install folder. */
  readonly folder: string;
  /** Keep only the provider's two libraries (onnxruntime-gpu's wheel holds ONNX Runtime's others too). */
  readonly providerOnly: boolean;
  /** Download and unpack even a finished folder. */
  readonly force: boolean;
  readonly onProgress?: ((progress: WheelDownloadProgress) => void) | undefined;
  readonly say: (message: string) => void;
}

export interface UnpackedWheel {
  readonly stamp: WheelStamp;
  /** Bytes that came over the network for it in this run (0 when its folder was finished). */
  readonly transferredBytes: number;
}

const STAMP = '.mlpx-wheel.json';

/** The wheel's folder, relative to the install folder: wheels/<name>-<version>. */
export function wheelFolder(wheel: WheelFile): string {
  return join('wheels', `${wheel.name.replace(/-/g, '_')}-${wheel.version}`);
}

export async function unpackWheel(wheel: WheelFile, request: UnpackRequest): Promise<UnpackedWheel> {
  const target = join(request.folder, wheelFolder(wheel));
  const stamp = request.force ? undefined : await finishedStamp(target, wheel);
  if (stamp) {
    request.say(`${wheel.filename}: already unpacked in ${target}`);
    return { stamp, transferredBytes: 0 };
  }
  return downloadAndUnpack(wheel, target, request);
}

/** The stamp of a folder that holds this very wheel's libraries, all of them. */
async function finishedStamp(target: string, wheel: WheelFile): Promise<WheelStamp | undefined> {
  let stamp: WheelStamp | null;
  try {
    stamp = JSON.parse(await readFile(join(target, STAMP), 'utf8')) as WheelStamp | null;
  } catch {
    return undefined;
  }
  return stamp?.sha256 === wheel.sha256 && stamp.libraries.every((name) => existsSync(join(target, name))) ? stamp : undefined;
}

async function downloadAndUnpack(wheel: WheelFile, target: string, request: UnpackRequest): Promise<UnpackedWheel> {
  const path = join(request.folder, 'downloads', wheel.filename);
  const downloaded = await downloadWheel({
    url: wheel.url,
    sha256: wheel.sha256,
    destination: path,
    size: wheel.size,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  const metadata = await readWheelMetadata(path);
  const libraries = await extractLibraries(path, target, request.providerOnly ? isProviderLibrary : undefined);
  const stamp: WheelStamp = { sha256: wheel.sha256, metadata, libraries };
  await writeFile(join(target, STAMP), JSON.stringify(stamp));
  await rm(path, { force: true });
  return { stamp, transferredBytes: downloaded.transferredBytes };
}

function isProviderLibrary(entry: string): boolean {
  return Object.values(PROVIDER_LIBRARIES).some((name) => entry.endsWith(`/${name}`));
}

/** Removes the wheel folders of earlier installs (other versions); this install's stay. */
export async function removeOtherWheels(folder: string, wheels: readonly InstalledWheel[]): Promise<void> {
  const keep = new Set(wheels.map((wheel) => wheel.folder.split('/')[1]));
  for (const entry of await readdir(join(folder, 'wheels'))) if (!keep.has(entry)) await rm(join(folder, 'wheels', entry), { recursive: true, force: true });
}
