/**
 * @mlpx/infer: run mlpx's exported ONNX models with onnxruntime-node (CPU, CUDA, WebGPU) and check
 * them against the accuracy they had when trained. What the mlpx command's `setup cuda`, `doctor`,
 * `infer` and `bench` use beyond this is in @mlpx/infer/tooling (./tooling.ts), outside the stable
 * API.
 */

// Embedding a model.
export {
  createClassifier,
  type Classification,
  type Classifier,
  type ClassifierOptions,
  type ClassifyOptions,
  type ImageInput,
  type InputSize,
  type RawPixels,
} from './classifier.js';
export { NoneLoadedError, type ImageClassifier, type SkippedCandidate, type SkippedProvider } from '@mlpx/core';
export { parseModelInfo, type ModelInfo, type Prediction, type TrainedAccuracy } from '@mlpx/core';
export { readModel, type ModelFile } from './model/read-model.js';

// Execution providers.
export { EXECUTION_PROVIDERS, parseExecutionProviders, type ExecutionProvider } from './runtime/execution-providers.js';

// Checking a deployed model against the accuracy it had when trained.
export { DEFAULT_ACCURACY_TOLERANCE, evaluateDataset, type EvalData, type EvalOptions, type EvalReport } from './eval/evaluate-dataset.js';

// Serving models over the Open Inference Protocol (KServe v2 REST, Triton's extensions).
export {
  startInferenceServer,
  type InferenceServer,
  type InferenceServerOptions,
  type ServedModelSummary,
  type ShutdownReport,
} from './serving/inference-server.js';
