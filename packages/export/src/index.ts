/**
 * @mlpx/export: TensorFlow.js models to ONNX, with mlpx's own converters (one per layer class),
 * verified against ONNX Runtime.
 */

// Exporting.
export { exportToOnnx, UnsupportedLayersError, type ExportOptions } from './export-to-onnx.js';
export { summarizeOnnx, type OnnxSummary } from './onnx-summary.js';
export { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from './onnx/versions.js';

// Converters: one per tfjs layer class; add one with registerConverter.
export { converterFor, registerConverter, registeredClassNames, type Converter, type ConverterContext, type FftMode } from './converters/index.js';

// Verification against ONNX Runtime.
export { DEFAULT_TOLERANCE, verificationImages, verifyExport, type VerificationBatch, type VerificationReport } from './verify/verify-export.js';

// Exporting a run folder (what `mlpx export` does).
export { DEFAULT_RUN, exportRun, type ExportRunOptions, type ExportRunResult } from './export-run.js';
