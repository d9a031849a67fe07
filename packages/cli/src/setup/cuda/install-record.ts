/**
 * The manifest of a fresh install (install.json, @mlpx/infer's CudaInstall): every library of the
 * unpacked wheels with its SONAME and NEEDED entries, read from the files; the provider's two
 * libraries; the CUDA major version the provider was built for (its NEEDED libcudart.so.<n>);
 * and the order to preload the CUDA libraries in. Written atomically: readers see all of it or none.
 */
import { join } from 'node:path';
import { MlpxError, writeFileAtomic } from '@mlpx/core';
import {
  INSTALL_JSON,
  MINIMUM_DRIVER,
  PROVIDER_LIBRARIES,
  readElfDynamic,
  type CudaInstall,
  type InstalledLibrary,
  type InstalledWheel,
} from '@mlpx/infer/tooling';
import type { FetchedWheels } from './fetch-wheels.js';
import { loadOrder } from './library-order.js';

/** Where the wheels came from and what was asked for. */
export interface InstallRequest {
  readonly onnxruntimeVersion: string;
  readonly indexUrl: string;
  readonly extras: string[];
}

export function describeInstall(folder: string, fetched: FetchedWheels, request: InstallRequest): CudaInstall {
  const libraries = readLibraries(folder, fetched.wheels);
  const provider = { cuda: providerLibrary(fetched.provider, PROVIDER_LIBRARIES.cuda), shared: providerLibrary(fetched.provider, PROVIDER_LIBRARIES.shared) };
  const cudaMajor = providerCudaMajor(folder, provider.cuda, libraries);
  const cudaLibraries = libraries.filter((library) => !library.path.startsWith(`${fetched.provider.folder}/`));
  return {
    source: 'pypi',
    onnxruntimeVersion: request.onnxruntimeVersion,
    cudaMajor,
    minimumDriver: MINIMUM_DRIVER[cudaMajor],
    indexUrl: request.indexUrl,
    extras: request.extras,
    installedAt: new Date().toISOString(),
    downloadBytes: fetched.wheels.reduce((sum, wheel) => sum + wheel.size, 0),
    wheels: fetched.wheels,
    provider,
    preload: loadOrder(cudaLibraries),
    libraries,
  };
}

/** Each library of each wheel, with what its ELF dynamic section says. */
function readLibraries(folder: string, wheels: readonly InstalledWheel[]): InstalledLibrary[] {
  return wheels.flatMap((wheel) =>
    wheel.libraries.map((name) => {
      const path = join(wheel.folder, name);
      const elf = readElfDynamic(join(folder, path));
      return { path, soname: elf.soname, needed: elf.needed };
    }),
  );
}

/** The path, relative to the install folder, of one of the provider's libraries. */
function providerLibrary(providerWheel: InstalledWheel, name: string): string {
  if (!providerWheel.libraries.includes(name)) throw new MlpxError(`${providerWheel.filename} holds no ${name}`);
  return join(providerWheel.folder, name);
}

function providerCudaMajor(folder: string, providerPath: string, libraries: readonly InstalledLibrary[]): number {
  const providerElf = libraries.find((library) => library.path === providerPath)!;
  const cudart = providerElf.needed.map((name) => /^libcudart\.so\.(\d+)$/.exec(name)).find(Boolean);
  if (!cudart) throw new MlpxError(`${join(folder, providerPath)} needs no libcudart.so.<n>: cannot tell which CUDA it was built for`);
  return Number(cudart[1]);
}

/** Writes the manifest atomically (@mlpx/core's writeFileAtomic), the last file of an install. */
export async function writeCudaInstall(folder: string, install: CudaInstall): Promise<void> {
  await writeFileAtomic(join(folder, INSTALL_JSON), `${JSON.stringify(install, null, 2)}\n`);
}
