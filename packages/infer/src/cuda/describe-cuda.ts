/** Lines for `mlpx doctor`: which CUDA provider is installed, and the driver against what it needs. */
import { join } from 'node:path';
import { cudaInstallFolder, MINIMUM_DRIVER, onnxruntimeLibraryFolder, readCudaInstall } from './cuda-install.js';
import { driverMajor, queryDriver } from './driver.js';
import { readElfDynamic } from './elf-dynamic.js';
import { installedProvider, PROVIDER_LIBRARIES } from './provider-links.js';

export function describeCudaInstall(): string[] {
  if (process.platform !== 'linux' || process.arch !== 'x64') return [];
  const lines: string[] = [];
  let cudaMajor: number | undefined;
  const provider = installedProvider();
  if (provider.kind === 'file') {
    const needed = (() => {
      try {
        return readElfDynamic(join(onnxruntimeLibraryFolder(), PROVIDER_LIBRARIES.cuda)).needed;
      } catch {
        return [];
      }
    })();
    const cudart = needed.map((name) => /^libcudart\.so\.(\d+)$/.exec(name)).find(Boolean);
    cudaMajor = cudart ? Number(cudart[1]) : undefined;
    lines.push(`provider: from NuGet${cudaMajor ? `, CUDA ${cudaMajor}` : ''}, in ${onnxruntimeLibraryFolder()} (uses the system's CUDA libraries)`);
  } else {
    let install;
    try {
      install = readCudaInstall();
    } catch (error) {
      return [(error as Error).message];
    }
    if (!install) return [`provider: not installed (mlpx setup cuda installs it into ${cudaInstallFolder()})`];
    cudaMajor = install.cudaMajor;
    const megabytes = (install.downloadBytes / 1e6).toFixed(0);
    lines.push(
      `provider: from PyPI (onnxruntime-gpu ${install.onnxruntimeVersion}, ${install.wheels.length} wheels, ${megabytes} MB), CUDA ${install.cudaMajor}, in ${cudaInstallFolder()} (set up ${install.installedAt})`,
    );
  }
  const minimum = cudaMajor === undefined ? undefined : MINIMUM_DRIVER[cudaMajor];
  const driver = queryDriver();
  const needs = minimum ? `CUDA ${cudaMajor} needs R${minimum} or newer` : 'no minimum known';
  if (!driver) lines.push(`driver: nvidia-smi does not answer (${needs})`);
  else if (!driver.version) lines.push(`driver: nvidia-smi lists no GPU (${driver.failure ?? 'no devices'}; ${needs})`);
  else {
    const verdict = minimum === undefined ? '' : driverMajor(driver.version) >= minimum ? ': new enough' : ': TOO OLD';
    lines.push(`driver: ${driver.version} on ${driver.gpus.join(', ')} (${needs})${verdict}`);
  }
  return lines;
}
