/**
 * @mlpx/infer/tooling: what the mlpx command's `setup cuda`, `doctor`, `infer` and `bench`, and
 * @mlpx/export's verification, use beyond the public API in index.ts: ONNX Runtime sessions run
 * batch by batch, the CUDA diagnosis, the CUDA install as the runtime reads, preloads and
 * describes it (the installer itself is the mlpx command's), folder inference and the
 * throughput measurement. Not covered by semantic versioning: it may change in any release.
 */

// Sessions and the CUDA diagnosis.
export { openSession, runAllOutputs, runBatch, type BatchOutputs, type OnnxSession, type OpenedSession } from './runtime/onnxruntime-node.js';
export { classifierFromBytes } from './classifier.js';
export { diagnoseCuda } from './runtime/diagnose-cuda.js';

// The CUDA provider `mlpx setup cuda` installs: where it lives, its manifest, its links and libraries.
export {
  cudaInstallFolder,
  cudaRoot,
  INSTALL_JSON,
  MINIMUM_DRIVER,
  onnxruntimeLibraryFolder,
  onnxruntimeVersion,
  readCudaInstall,
  type CudaInstall,
  type InstalledLibrary,
  type InstalledWheel,
} from './cuda/cuda-install.js';
export { describeCudaInstall } from './cuda/describe-cuda.js';
export { readElfDynamic } from './cuda/elf-dynamic.js';
export { loadLibrary } from './cuda/load-library.js';
export { preloadCuda, type PreloadResult } from './cuda/preload-cuda.js';
export { inspectProviderFile, installedProvider, linkProviderFile, mendProviderLinks, PROVIDER_LIBRARIES } from './cuda/provider-links.js';

// What `mlpx infer` does.
export { inferFiles, type InferOptions, type InferResult } from './infer-files.js';

// Benchmarks.
export { measureInferenceThroughput, type InferenceThroughputOptions } from './bench/inference-throughput.js';
