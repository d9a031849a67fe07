/**
 * Why onnxruntime-node's CUDA execution provider cannot run here, in the order a user must fix
 * things: the provider libraries (not bundled in the npm package, fetched from NuGet), an NVIDIA
 * driver, then the CUDA 12 and cuDNN 9 runtime libraries the provider links against.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function providerFolder(): string {
  const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', `${process.platform}`, `${process.arch}`);
}

/** The shared libraries the dynamic loader knows (ldconfig -p), or undefined if it cannot say. */
function loaderLibraries(): string | undefined {
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

function hasLibrary(name: string, known: string | undefined): boolean {
  if (known?.includes(name)) return true;
  return (process.env['LD_LIBRARY_PATH'] ?? '').split(':').some((folder) => folder && existsSync(join(folder, name)));
}

export function diagnoseCuda(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `onnxruntime-node's CUDA provider is available for Linux x64 only (this is ${process.platform}/${process.arch})`;
  }
  const provider = join(providerFolder(), 'libonnxruntime_providers_cuda.so');
  if (!existsSync(provider)) {
    return `the CUDA provider libraries are not installed (${provider} is missing: the install skipped the NuGet download). Run \`npx mlpx setup cuda\` on a machine with network access`;
  }
  const known = loaderLibraries();
  if (!hasLibrary('libcuda.so.1', known)) return 'no NVIDIA driver was found (libcuda.so.1 is not on the library path): install the NVIDIA driver';
  if (!hasLibrary('libcudart.so.12', known) || !hasLibrary('libcublas.so.12', known)) {
    return 'the CUDA 12 runtime was not found (libcudart.so.12 and libcublas.so.12): install CUDA 12 or add its lib64 folder to LD_LIBRARY_PATH';
  }
  if (!hasLibrary('libcudnn.so.9', known)) return 'cuDNN 9 was not found (libcudnn.so.9): install cuDNN 9 for CUDA 12 or add it to LD_LIBRARY_PATH';
  return 'the CUDA provider, driver, CUDA 12 and cuDNN 9 all seem present';
}
