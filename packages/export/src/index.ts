/**
 * @mlpx/export: TensorFlow.js models to ONNX, with mlpx's own converters (one per layer class),
 * verified against ONNX Runtime.
 */

// Exporting.
export { exportToOnnx, UnsupportedLayersError, type ExportOptions } from './export-to-onnx.js';
export { summarizeOnnx, type OnnxSummary } from './onnx-summary.js';
export { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from './onnx/versions.js';

// Converters: one per tfjs layer class; add one with registerConverter.
export { converterFor, registerConverter, registeredClassNames, type Converter, type ConverterContext } from './converters/index.js';
export type { FftMode } from './emit/real-dft2d.js';

// Verification against ONNX Runtime.
export { DEFAULT_TOLERANCE, verificationImages, verifyExport, type VerificationBatch, type VerificationReport } from './verify/verify-export.js';

// Exporting a run folder (what `mlpx export` does).
export { DEFAULT_RUN, exportRun, type ExportRunOptions, type ExportRunResult } from './export-run.js';

// A Triton model repository, with a KServe InferenceService (what `mlpx export --triton` does).
export { checkTritonExportOptions, exportToTriton, type TritonExportOptions, type TritonExportResult, type TritonFile } from './triton/export-to-triton.js';
export { CONFIG_FILE, LABELS_FILE, MODEL_FILE, tritonModelConfig, type ModelConfigOptions } from './triton/model-config.js';
export { checkTritonSettings, DEFAULT_TRITON_SETTINGS, type InstanceKind, type TritonAccelerator, type TritonSettings } from './triton/triton-settings.js';
export { labelsFile } from './triton/labels-file.js';
export {
  inferenceServiceFile,
  inferenceServiceManifest,
  STORAGE_URI_PLACEHOLDER,
  storageUriProblem,
  type InferenceServiceOptions,
} from './triton/inference-service.js';
export { defaultModelName, MAX_MODEL_NAME_LENGTH, modelNameProblem } from './triton/model-name.js';
export { modelVersions, nextVersion } from './triton/model-versions.js';

// Reduced precision (int8, fp16): calibration and the accuracy gate.
export { FP32, PRECISIONS, type ActivationQuantization, type Numerics, type Precision } from './onnx/numerics.js';
export {
  CALIBRATION_METHODS,
  calibrateActivations,
  DEFAULT_CALIBRATION_IMAGES,
  DEFAULT_CALIBRATION_METHOD,
  DEFAULT_PERCENTILE,
  type Calibration,
  type CalibrationMethod,
  type CalibrationOptions,
} from './precision/calibrate.js';
export { DEFAULT_MAX_ACCURACY_DROP, type AccuracyGate } from './precision/reduced-precision.js';
export { quantizePerColumn } from './emit/int8-dense.js';
