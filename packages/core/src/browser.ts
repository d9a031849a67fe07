/**
 * @mlpx/core/browser: the part of the core that runs anywhere, browsers included (no node:fs, no
 * sharp). The web bundle imports this entry.
 */
export { describeError, fetchFailureCause, MlpxError } from './errors.js';
export {
  type Classification,
  type ClassifyOptions,
  type ImageClassifier,
  type InputSize,
  type RawOutputs,
  type RawPixels,
  type SkippedProvider,
} from './classifier/image-classifier.js';
export { isRawPixels, sessionClassifier, withDeprecatedProviderField, type ClassifierSession, type PixelReader } from './classifier/session-classifier.js';
export { defineDeprecated, DEPRECATIONS, warnDeprecated, type DeprecationCode } from './deprecation/deprecated.js';
export {
  firstThatLoads,
  NoneLoadedError,
  skipCandidate,
  type FirstLoaded,
  type FirstThatLoadsOptions,
  type Skip,
  type SkippedCandidate,
} from './fallback/first-that-loads.js';
export {
  INPUT_NAME,
  LOGITS_NAME,
  METADATA_KEYS,
  PROBABILITIES_NAME,
  type ModelPrecision,
  type PrecisionMetadata,
  type PreprocessingMetadata,
  type TrainedAccuracy,
} from './onnx/contract.js';
export { parseModelInfo, type ModelInfo } from './onnx/model-info.js';
export * from './onnx/schema.js';
export { headOf, type ImageShape, type ImageSplit } from './images/image-split.js';
export { reportedTopK, TOP_K, topPredictions, type Prediction } from './predictions/top-k.js';
export { imagesPerSecond, median, type RepetitionOptions } from './timing/images-per-second.js';
