/**
 * What setup does to onnxruntime-node's provider files (the folder of its own libonnxruntime.so,
 * where it loads providers from): points them at an install, replacing a NuGet provider's regular
 * files, or takes such links away before a NuGet install. What a link is, and how the preloader
 * mends one before a session, is @mlpx/infer's (cuda/provider-links.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { inspectProviderFile, linkProviderFile, mendProviderLinks, onnxruntimeLibraryFolder, PROVIDER_LIBRARIES, type CudaInstall } from '@mlpx/infer/tooling';

/**
 * Points onnxruntime-node's provider files at the install (replacing whatever is there); returns
 * the regular files (a NuGet provider) it replaced.
 */
export function linkProvider(installFolder: string, install: CudaInstall, folder = onnxruntimeLibraryFolder()): string[] {
  const replaced: string[] = [];
  for (const key of ['shared', 'cuda'] as const) {
    const path = join(folder, PROVIDER_LIBRARIES[key]);
    if (inspectProviderFile(path).kind === 'file') replaced.push(path);
    linkProviderFile(path, join(installFolder, install.provider[key]));
  }
  return replaced;
}

/** For an install already set up: mends its links, or replaces a NuGet provider's files in their way; returns those it replaced. */
export function relinkProvider(installFolder: string, install: CudaInstall, folder = onnxruntimeLibraryFolder()): string[] {
  return mendProviderLinks(installFolder, install, folder) ? [] : linkProvider(installFolder, install, folder);
}

/** Removes links into an mlpx cache (before a NuGet install); regular files stay. */
export function unlinkProvider(folder = onnxruntimeLibraryFolder()): void {
  for (const name of Object.values(PROVIDER_LIBRARIES)) {
    const current = inspectProviderFile(join(folder, name));
    if (current.kind === 'link') rmSync(current.path, { force: true });
  }
}
