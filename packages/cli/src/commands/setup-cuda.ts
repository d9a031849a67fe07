/**
 * `mlpx setup cuda`: onnxruntime-node's CUDA execution provider. By default from PyPI (the
 * onnxruntime-gpu wheel of onnxruntime-node's version and the nvidia-* wheels its `cuda` and
 * `cudnn` extras name: CUDA and cuDNN included, no toolkit, no pip); `--source nuget` fetches
 * the CUDA 12 provider from NuGet as onnxruntime-node's own installer does, and uses the
 * system's CUDA 12 and cuDNN 9.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { installedProvider, onnxruntimeLibraryFolder } from '@mlpx/infer/tooling';
import { MlpxError } from '@mlpx/core';
import { downloadProgress } from '../progress/download-progress.js';
import { formatDuration, info } from '../progress/terminal.js';
import { unlinkProvider } from '../setup/cuda/provider-links.js';
import { setupCuda, type SetupCudaResult } from '../setup/cuda/setup-cuda.js';

interface SetupCudaFlags {
  source: 'pypi' | 'nuget';
  force?: boolean;
}

const MB = 1e6;

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

/** The cache folder as a short tree: each wheel's folder, its libraries and their size. */
function layout(result: SetupCudaResult): string {
  const lines = [`${result.folder}/`, '  install.json'];
  for (const wheel of result.install.wheels) {
    const bytes = folderBytes(join(result.folder, wheel.folder));
    lines.push(`  ${wheel.folder}/  (${(bytes / MB).toFixed(0)} MB) ${wheel.libraries.join(' ')}`);
  }
  lines.push(`linked from ${onnxruntimeLibraryFolder()}/: libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so`);
  return lines.join('\n');
}

function fromNuget(force: boolean): void {
  const current = installedProvider();
  if (current.kind === 'link')
    unlinkProvider(); // the PyPI install stays in the cache; NuGet's files take the place
  else if (current.kind === 'file' && force) {
    for (const name of ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'])
      rmSync(join(onnxruntimeLibraryFolder(), name), { force: true });
  }
  const script = join(dirname(createRequire(import.meta.url).resolve('@mlpx/infer/package.json')), 'scripts', 'fetch-cuda-provider.mjs');
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (result.status !== 0) throw new MlpxError('mlpx setup cuda --source nuget failed (see above)');
}

export function setupCudaCommand(): Command {
  return new Command('cuda')
    .description(
      "fetch onnxruntime-node's CUDA execution provider with the CUDA and cuDNN libraries it needs, from PyPI's onnxruntime-gpu and nvidia-* wheels (no CUDA toolkit, no pip; an NVIDIA driver is needed)",
    )
    .addOption(
      new Option(
        '--source <source>',
        'pypi: the provider and CUDA libraries from PyPI wheels; nuget: the CUDA 12 provider only, from NuGet (uses the system CUDA 12 and cuDNN 9)',
      )
        .choices(['pypi', 'nuget'])
        .default('pypi'),
    )
    .option('--force', 'download and unpack again even when already set up')
    .action(async (flags: SetupCudaFlags) => {
      if (flags.source === 'nuget') {
        fromNuget(flags.force === true);
        return;
      }
      const result = await setupCuda({ ...(flags.force ? { force: true } : {}), onProgress: downloadProgress(), onInfo: info });
      const { install } = result;
      const what = `onnxruntime-node's CUDA provider (onnxruntime-gpu ${install.onnxruntimeVersion}, CUDA ${install.cudaMajor})`;
      const driver = install.minimumDriver ? `; it needs an NVIDIA driver R${install.minimumDriver} or newer` : '';
      for (const path of result.replaced) info(`replaced the NuGet provider file ${path} with a link`);
      if (result.reused) {
        process.stdout.write(`${what} is already set up in ${result.folder} (${install.installedAt}); nothing to do (--force downloads it again)\n`);
        return;
      }
      for (const name of result.unresolved) info(`note: ${name} is needed but no wheel provides it; the system must`);
      process.stdout.write(
        `${layout(result)}\n${what} is set up: ${install.wheels.length} wheels, ${(install.downloadBytes / MB).toFixed(0)} MB ` +
          `(${(result.transferredBytes / MB).toFixed(0)} MB downloaded now) in ${formatDuration(result.seconds)}${driver}. Run on it with: mlpx infer --ep cuda\n`,
      );
    });
}
