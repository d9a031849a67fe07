/**
 * Why onnxruntime-node's CUDA execution provider cannot run here: the FIRST missing link, read
 * from what actually happens when the libraries are loaded the way mlpx loads them (dlopen
 * messages, nvidia-smi's answer), never from a guess about where files might be:
 *
 *   1. no NVIDIA driver: libcuda.so.1 does not load (with no provider installed either, this
 *      comes first: `mlpx setup cuda` downloads 1.56 GB that cannot run without a driver);
 *   2. the provider is not installed (no `mlpx setup cuda` install, no NuGet provider file);
 *   3. the driver is older than the CUDA major version the provider was built for needs;
 *   4. a CUDA library did not resolve: the install's own (PyPI), or, for the NuGet (CUDA 12)
 *      provider, one of the system's that the provider needs;
 *   5. no GPU visible (nvidia-smi lists none, or ONNX Runtime says there is no CUDA device).
 *
 * With every link in place it says so; explainCudaFailure then adds ONNX Runtime's own message.
 */
import { join } from 'node:path';
import { cudaInstallFolder, MINIMUM_DRIVER, onnxruntimeLibraryFolder, readCudaInstall, type CudaInstall } from '../cuda/cuda-install.js';
import { driverMajor, queryDriver } from '../cuda/driver.js';
import { readElfDynamic } from '../cuda/elf-dynamic.js';
import { loadLibrary, missingLibrary } from '../cuda/load-library.js';
import { installedProvider, PROVIDER_LIBRARIES } from '../cuda/provider-links.js';
import { preloadCuda } from '../cuda/preload-cuda.js';

const SETUP = '`npx mlpx setup cuda`';
/** How a diagnosis that found every link in place ends. */
const ALL_LOAD = 'its libraries and the driver all load';

function driverAdvice(cudaMajor: number | undefined): string {
  const minimum = cudaMajor === undefined ? undefined : MINIMUM_DRIVER[cudaMajor];
  return minimum ? `install the NVIDIA driver, R${minimum} or newer for CUDA ${cudaMajor}` : 'install the NVIDIA driver';
}

/** The CUDA major version a provider file was built for, from its NEEDED libcudart.so.<n>. */
function providerCudaMajor(path: string): number | undefined {
  try {
    const cudart = readElfDynamic(path)
      .needed.map((name) => /^libcudart\.so\.(\d+)$/.exec(name))
      .find(Boolean);
    return cudart ? Number(cudart[1]) : undefined;
  } catch {
    return undefined;
  }
}

function noGpu(onnxRuntimeMessage: string | undefined): string | undefined {
  const visible = process.env['CUDA_VISIBLE_DEVICES'];
  const hint = visible !== undefined ? ` (CUDA_VISIBLE_DEVICES=${JSON.stringify(visible)})` : '';
  if (onnxRuntimeMessage && /no CUDA-capable device|CUDA_ERROR_NO_DEVICE|cudaErrorNoDevice/i.test(onnxRuntimeMessage))
    return `no GPU visible: CUDA finds no device${hint}`;
  const driver = queryDriver();
  if (driver && driver.gpus.length === 0) return `no GPU visible: nvidia-smi lists none (${driver.failure ?? 'no devices'})${hint}`;
  return undefined;
}

/** What nvidia-smi says about the driver, for a machine where libcuda.so.1 does not load. */
function nvidiaSmiSays(): string {
  const driver = queryDriver();
  if (!driver) return 'nvidia-smi does not run';
  if (!driver.version) return `nvidia-smi finds no driver or GPU (${driver.failure ?? 'no devices'})`;
  return `nvidia-smi reports driver ${driver.version} on ${driver.gpus.join(', ')}`;
}

function checkDriver(cudaMajor: number | undefined): string | undefined {
  const libcuda = loadLibrary('libcuda.so.1');
  if (!libcuda.ok) return `no NVIDIA driver: libcuda.so.1 did not load (${libcuda.message}); ${driverAdvice(cudaMajor)}`;
  const minimum = cudaMajor === undefined ? undefined : MINIMUM_DRIVER[cudaMajor];
  const version = queryDriver()?.version;
  if (minimum && version && driverMajor(version) < minimum) {
    return `the NVIDIA driver ${version} is too old for CUDA ${cudaMajor}: it needs R${minimum} or newer (nvidia-smi reports ${version})`;
  }
  return undefined;
}

/** Loads the provider as ONNX Runtime does (shared first); the first library that fails, named. */
function checkProvider(folder: string, advice: string): string | undefined {
  for (const name of [PROVIDER_LIBRARIES.shared, PROVIDER_LIBRARIES.cuda]) {
    const path = join(folder, name);
    const result = loadLibrary(path, { global: false });
    if (result.ok) continue;
    const missing = missingLibrary(result.message);
    if (missing && missing !== name) return `library ${missing} did not resolve (needed by ${path}: ${result.message}); ${advice}`;
    return `${path} did not load (${result.message}); ${advice}`;
  }
  return undefined;
}

function diagnosePypi(install: CudaInstall, installFolder: string, providerFolder: string, onnxRuntimeMessage: string | undefined): string {
  const driver = checkDriver(install.cudaMajor);
  if (driver) return driver;
  const preload = preloadCuda();
  if (preload.status === 'failed' && preload.failure) {
    return `library ${preload.failure.library.split('/').pop()} did not resolve (${preload.failure.message}); run \`npx mlpx setup cuda --force\``;
  }
  const provider = checkProvider(providerFolder, 'run `npx mlpx setup cuda --force`');
  if (provider) return provider;
  return (
    noGpu(onnxRuntimeMessage) ??
    `the CUDA provider (onnxruntime-gpu ${install.onnxruntimeVersion} from PyPI, CUDA ${install.cudaMajor}, in ${installFolder}), ${ALL_LOAD}`
  );
}

function diagnoseNuget(providerFolder: string, onnxRuntimeMessage: string | undefined): string {
  const providerPath = join(providerFolder, PROVIDER_LIBRARIES.cuda);
  const cudaMajor = providerCudaMajor(providerPath);
  const driver = checkDriver(cudaMajor);
  if (driver) return driver;
  const cuda = cudaMajor ? `CUDA ${cudaMajor}` : 'CUDA';
  const provider = checkProvider(
    providerFolder,
    `the NuGet provider uses the system's ${cuda} and cuDNN libraries: install them or add their folder to LD_LIBRARY_PATH, or run ${SETUP} for PyPI's`,
  );
  if (provider) return provider;
  return noGpu(onnxRuntimeMessage) ?? `the CUDA provider (${providerPath}, from NuGet, ${cuda}), ${ALL_LOAD}`;
}

export function diagnoseCuda(onnxRuntimeMessage?: string): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `onnxruntime-node's CUDA provider is available for Linux x64 only (this is ${process.platform}/${process.arch})`;
  }
  const providerFolder = onnxruntimeLibraryFolder();
  const installFolder = cudaInstallFolder();
  let install: CudaInstall | undefined;
  try {
    install = readCudaInstall(installFolder);
  } catch (error) {
    return (error as Error).message;
  }
  const provider = installedProvider(providerFolder);
  if (provider.kind === 'file') return diagnoseNuget(providerFolder, onnxRuntimeMessage);
  if (install) return diagnosePypi(install, installFolder, providerFolder, onnxRuntimeMessage);
  const libcuda = loadLibrary('libcuda.so.1');
  if (!libcuda.ok) {
    return `no NVIDIA driver: libcuda.so.1 did not load (${libcuda.message}) and ${nvidiaSmiSays()}; --ep cuda needs an NVIDIA GPU and its driver: install the driver, or use --ep cpu`;
  }
  const where =
    provider.kind === 'link'
      ? `${provider.path} points at ${provider.target}, which ${provider.dangling ? 'is gone' : 'no install describes'}`
      : `${provider.path} is missing`;
  return `the CUDA provider libraries are not installed (no ${join(installFolder, 'install.json')}; ${where}). Run ${SETUP} on a machine with network access`;
}

/**
 * Why a CUDA session did not open: the first missing link, or, when every link is in place,
 * that and ONNX Runtime's own message (which then is the reason).
 */
export function explainCudaFailure(onnxRuntimeMessage: string): string {
  const diagnosis = diagnoseCuda(onnxRuntimeMessage);
  return diagnosis.endsWith(ALL_LOAD) ? `${diagnosis}, yet ONNX Runtime says: ${onnxRuntimeMessage}` : diagnosis;
}
