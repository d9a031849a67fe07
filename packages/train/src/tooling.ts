/**
 * @mlpx/train/tooling: what the mlpx command's `setup tensorflow`, `doctor`, `train` and `bench`
 * use beyond the public API in index.ts: finding, loading and describing native TensorFlow (the
 * engine's builder itself is the mlpx command's), probing a WebGPU adapter, data-parallel threads,
 * and the throughput measurements (with the plain tfjs baseline and the Keras peer). Not covered
 * by semantic versioning: it may change in any release.
 */

// Engines.
export { describeAdapter, probeWebgpuAdapter, probeWebgpuAdapterInChild, type WebgpuAdapterInfo } from './backends/webgpu/webgpu-adapter.js';
export { INSTALL_JSON, readTensorflowInstall, TENSORFLOW_LIBRARIES, tensorflowRoot, type TensorflowInstall } from './backends/tensorflow/tensorflow-install.js';
export { activeTensorflowVersion, ADDON_PATH, loadInstalledTensorflow, STDERR_CAPTURE_PATH } from './backends/tensorflow/load-tensorflow.js';
export { linkSharedTfjs } from './backends/tensorflow/link-tfjs.js';
export { tensorflowBackend } from './backends/tensorflow/tfjs-node-backend.js';
export { listTensorflowDevices } from './backends/tensorflow/list-devices.js';
export { describeCudaWheels, findCudaWheels, type CudaWheels } from './backends/tensorflow/cuda-wheels.js';
export { outputTail, runCommand } from './backends/tensorflow/run-command.js';
export { autoThreads, DataParallelTrainStep } from './parallel/data-parallel-step.js';

// Messages.
export { withLocalCopyHint } from './run/dataset-download-hint.js';

// Benchmarks.
export {
  measurePlainTrainingThroughput,
  measureTrainingThroughput,
  type TrainingThroughput,
  type TrainingThroughputOptions,
} from './bench/training-throughput.js';
export { countWebgpuWork, type WebgpuCounter, type WebgpuCounts } from './bench/webgpu-step-counters.js';
export { measureTrainingThroughputInChild, type IsolatedTrainingThroughput } from './bench/isolated-training-throughput.js';
export { KERAS_PEER_SCRIPT, kerasPeerPython, measureKerasPeerThroughput, type KerasPeerThroughput } from './bench/keras-peer-throughput.js';
export { buildPlainClassifier } from './models/build-plain-classifier.js';
export { measurePredictThroughput } from './bench/predict-throughput.js';
export { trainingFlopsPerImage } from './bench/training-flops.js';
export { measureMatmulGflops } from './bench/matmul-peak.js';
