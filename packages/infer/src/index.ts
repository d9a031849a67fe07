/**
 * @mlpx/infer: run mlpx's exported ONNX models with onnxruntime-node (CPU, CUDA, WebGPU) and check
 * them against the accuracy they had when trained.
 */

// Embedding a model.
export { createClassifier, type Classification, type Classifier, type ClassifierOptions, type ImageInput } from './classifier.js';
export { parseModelInfo, type ModelInfo, type Prediction, type TrainedAccuracy } from '@mlpx/core';
export { readModel, type ModelFile } from './model/read-model.js';

// Execution providers.
export { EXECUTION_PROVIDERS, parseExecutionProviders, type ExecutionProvider } from './runtime/execution-providers.js';
export { diagnoseCuda } from './runtime/diagnose-cuda.js';
export { openSession, runBatch, type BatchOutputs, type OnnxSession, type OpenedSession } from './runtime/onnxruntime-node.js';

// The CUDA provider from PyPI (mlpx setup cuda).
export { setupCuda, DEFAULT_EXTRAS, PROVIDER_PROJECT, type SetupCudaOptions, type SetupCudaResult } from './cuda/setup-cuda.js';
export { cudaInstallFolder, cudaRoot, MINIMUM_DRIVER, onnxruntimeLibraryFolder, readCudaInstall, type CudaInstall } from './cuda/cuda-install.js';
export { describeCudaInstall } from './cuda/describe-cuda.js';
export { preloadCuda, type PreloadResult } from './cuda/preload-cuda.js';
export { installedProvider, unlinkProvider } from './cuda/provider-links.js';
export { pickIndexUrl } from './cuda/index-url.js';
export type { WheelDownloadProgress } from './cuda/wheel-download.js';

// What the CLI's infer and eval do.
export { inferFiles, type InferOptions, type InferResult } from './infer-files.js';
export { DEFAULT_ACCURACY_TOLERANCE, evaluateDataset, type EvalData, type EvalOptions, type EvalReport } from './eval/evaluate-dataset.js';

// Benchmarks.
export { measureInferenceThroughput, type InferenceThroughputOptions } from './bench/inference-throughput.js';
