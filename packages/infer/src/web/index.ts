/** mlpx-web.js: classify images in a web page with a model exported by mlpx (onnxruntime-web). */
export { loadClassifier, type LoadClassifierOptions, type WebClassifier, type WebExecutionProvider } from './load-classifier.js';
export type { DownloadProgress } from './fetch-model.js';
export type { InputSize, WebImageInput } from './image-pixels.js';
export type { Prediction, TrainedAccuracy } from '@mlpx/core/browser';
