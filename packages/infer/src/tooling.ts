/**
 * @mlpx/infer/tooling: what the mlpx command's `setup cuda`, `doctor`, `infer` and `bench`, and
 * @mlpx/export's verification, use beyond the public API in index.ts: ONNX Runtime sessions run
 * batch by batch, the CUDA diagnosis, the CUDA provider from PyPI, folder inference and the
 * throughput measurement. Not covered by semantic versioning: it may change in any release.
 */

// Sessions and the CUDA diagnosis.
export { openSession, runAllOutputs, runBatch, type BatchOutputs, type OnnxSession, type OpenedSession } from './runtime/onnxruntime-node.js';
export { classifierFromBytes } from './classifier.js';
export { diagnoseCuda } from './runtime/diagnose-cuda.js';

// The CUDA provider from PyPI (mlpx setup cuda).
export { setupCuda, DEFAULT_EXTRAS, PROVIDER_PROJECT, type SetupCudaOptions, type SetupCudaResult } from './cuda/setup-cuda.js';
export { cudaInstallFolder, cudaRoot, MINIMUM_DRIVER, onnxruntimeLibraryFolder, readCudaInstall, type CudaInstall } from './cuda/cuda-install.js';
export { describeCudaInstall } from './cuda/describe-cuda.js';
export { preloadCuda, type PreloadResult } from './cuda/preload-cuda.js';
export { installedProvider, unlinkProvider } from './cuda/provider-links.js';
export { pickIndexUrl } from './cuda/index-url.js';
export type { WheelDownloadProgress } from './cuda/wheel-download.js';

// What `mlpx infer` does.
export { inferFiles, type InferOptions, type InferResult } from './infer-files.js';

// Benchmarks.
export { measureInferenceThroughput, type InferenceThroughputOptions } from './bench/inference-throughput.js';
