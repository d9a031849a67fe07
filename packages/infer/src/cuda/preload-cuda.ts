/**
 * Makes the PyPI-installed CUDA provider loadable with no LD_LIBRARY_PATH: before the first CUDA
 * session, mends the provider links in onnxruntime-node's folder and loads the CUDA libraries of
 * the install by absolute path, dependencies first, globally (load-library.ts). When ONNX Runtime
 * then dlopens the provider, the dynamic loader finds each NEEDED library (libcudart.so.13, ...)
 * already loaded under that SONAME. libcuda.so.1 is the driver's and is left to the system.
 *
 * Never throws: a library that does not load is recorded (the first such is the result's
 * failure) and the others are still loaded; ONNX Runtime's own failure follows if the provider
 * needed it, and diagnoseCuda names the cause. (Loading all of an install's libraries takes about
 * 0.3 s on a 2-core machine.)
 */
import { join } from 'node:path';
import { env } from 'onnxruntime-node';
import { cudaInstallFolder, readCudaInstall } from './cuda-install.js';
import { loadLibrary } from './load-library.js';
import { mendProviderLinks } from './provider-links.js';

export interface PreloadResult {
  /** 'none': no PyPI install; 'nuget': a NuGet provider is in place and uses the system's libraries. */
  readonly status: 'none' | 'nuget' | 'loaded' | 'failed';
  readonly loaded: string[];
  readonly failure?: { library: string; message: string };
}

let done: PreloadResult | undefined;

export function preloadCuda(): PreloadResult {
  // ONNX Runtime logs a provider that fails to load itself, in colour, at its environment's log
  // level (read once, at the first session); mlpx explains the failure in one line instead.
  if (env.logLevel === 'warning') env.logLevel = 'fatal';
  if (done?.status === 'loaded') return done;
  done = preload();
  return done;
}

function preload(): PreloadResult {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { status: 'none', loaded: [] };
  const folder = cudaInstallFolder();
  let install;
  try {
    install = readCudaInstall(folder);
  } catch (error) {
    return { status: 'failed', loaded: [], failure: { library: join(folder, 'install.json'), message: (error as Error).message } };
  }
  if (!install) return { status: 'none', loaded: [] };
  try {
    if (!mendProviderLinks(folder, install)) return { status: 'nuget', loaded: [] };
  } catch (error) {
    return { status: 'failed', loaded: [], failure: { library: install.provider.cuda, message: (error as Error).message } };
  }
  const loaded: string[] = [];
  let failure: { library: string; message: string } | undefined;
  for (const relative of install.preload) {
    const path = join(folder, relative);
    const result = loadLibrary(path);
    if (result.ok) loaded.push(path);
    else failure ??= { library: path, message: result.message };
  }
  return failure ? { status: 'failed', loaded, failure } : { status: 'loaded', loaded };
}
