/** @mlpx/web: classify images in a web page with a model exported by mlpx (onnxruntime-web). */
export { loadClassifier, type LoadClassifierOptions, type WebClassifier, type WebExecutionProvider } from './load-classifier.js';
export { MODEL_CACHE, type DownloadProgress } from './fetch-model.js';
export type { DrawableImage, WebImageInput } from './image-pixels.js';
export { RUNTIME_FILES, type WasmFilePaths, type WasmPaths } from './runtime-files.js';
export {
  MlpxError,
  NoneLoadedError,
  type Classification,
  type ClassifyOptions,
  type ImageClassifier,
  type InputSize,
  type Prediction,
  type RawPixels,
  type SkippedCandidate,
  type SkippedProvider,
  type TrainedAccuracy,
} from '@mlpx/core/browser';
