/**
 * @mlpx/core: what train, export and infer share, and nothing of TensorFlow.js or ONNX Runtime:
 * - errors meant for users (MlpxError; the CLI prints their message without a stack);
 * - the classifier interface @mlpx/infer and @mlpx/web both implement (ImageClassifier), and the
 *   code behind it (sessionClassifier); "the first that loads, and why the others did not"
 *   (firstThatLoads, NoneLoadedError); the deprecation warnings of this release;
 * - the ONNX contract of an exported model: input and output names, metadata keys, the reading of
 *   that metadata, and the protobuf schema;
 * - image decoding (sharp), the image split type, top-k predictions, the timing loop of the
 *   benchmarks, atomic file writes, and resumable downloads checked against a published digest
 *   (datasets, `mlpx setup cuda`'s wheels), and the version of the package a module belongs to.
 * Browsers import @mlpx/core/browser, the same minus the Node-only parts.
 */
export * from './browser.js';
export { decodeImage, type PixelSize } from './images/decode-image.js';
export { syncFolder, writeFileAtomic } from './files/atomic-write.js';
export { downloadResumable, type DownloadedFile, type ResumableDownload, type RetryPolicy } from './files/resumable-download.js';
export type { DownloadChecksum } from './files/download-checksum.js';
export type { BrokenDownload, DownloadMessages, DownloadTarget } from './files/download-messages.js';
export type { DownloadProgress } from './files/download-progress.js';
export { checkHttpUrl } from './files/http-url.js';
export { packageVersion } from './files/package-version.js';
