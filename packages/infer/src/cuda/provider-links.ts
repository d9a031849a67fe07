/**
 * onnxruntime-node loads libonnxruntime_providers_{shared,cuda}.so from the folder of its own
 * libonnxruntime.so, so that is where the provider must appear. The real files stay in the mlpx
 * cache; setup puts symlinks in onnxruntime-node's folder (packages/cli/src/setup/cuda/provider-links.ts),
 * and the preloader mends them here when they are missing (a reinstalled node_modules). A regular
 * file there is a provider from NuGet (`mlpx setup cuda --source nuget`) and is left alone, except
 * by a PyPI setup, which replaces it.
 */
import { lstatSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';
import { onnxruntimeLibraryFolder, type CudaInstall } from './cuda-install.js';

export const PROVIDER_LIBRARIES = { cuda: 'libonnxruntime_providers_cuda.so', shared: 'libonnxruntime_providers_shared.so' } as const;

export type ProviderFile =
  { kind: 'missing'; path: string } | { kind: 'link'; path: string; target: string; dangling: boolean } | { kind: 'file'; path: string };

export function inspectProviderFile(path: string): ProviderFile {
  let kind: 'link' | 'file';
  try {
    kind = lstatSync(path).isSymbolicLink() ? 'link' : 'file';
  } catch {
    return { kind: 'missing', path };
  }
  if (kind === 'file') return { kind, path };
  const target = resolve(join(path, '..'), readlinkSync(path));
  let dangling = false;
  try {
    statSync(path);
  } catch {
    dangling = true;
  }
  return { kind, path, target, dangling };
}

/** The provider file onnxruntime-node would load (the CUDA one). */
export function installedProvider(folder = onnxruntimeLibraryFolder()): ProviderFile {
  return inspectProviderFile(join(folder, PROVIDER_LIBRARIES.cuda));
}

/** Makes `path` a symlink to `target`, by way of a temporary name (readers see the old file or the new link). */
export function linkProviderFile(path: string, target: string): void {
  const temporary = `${path}.mlpx-${process.pid}`;
  try {
    rmSync(temporary, { force: true });
    symlinkSync(target, temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new MlpxError(`cannot link ${path} to ${target}: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Recreates the links when they are missing or dangling (never over a regular file); returns
 * whether onnxruntime-node's folder now points at this install.
 */
export function mendProviderLinks(installFolder: string, install: CudaInstall, folder = onnxruntimeLibraryFolder()): boolean {
  for (const key of ['shared', 'cuda'] as const) {
    const path = join(folder, PROVIDER_LIBRARIES[key]);
    const target = join(installFolder, install.provider[key]);
    const current = inspectProviderFile(path);
    if (current.kind === 'file') return false;
    if (current.kind === 'missing' || current.dangling || current.target !== target) linkProviderFile(path, target);
  }
  return true;
}
