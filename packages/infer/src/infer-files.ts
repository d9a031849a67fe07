/**
 * What `mlpx infer` does with its paths: find the images, decode them (a file that fails to decode
 * is listed as failed, not fatal), classify them in batches, and time it.
 */
import { decodeImage, describeError, topPredictions, type Prediction } from '@mlpx/core';
import type { Classifier } from './classifier.js';
import { findImages } from './images/find-images.js';

export interface InferResult {
  readonly executionProvider: string;
  readonly results: { file: string; predictions: Prediction[] }[];
  readonly skipped: string[];
  readonly failed: { file: string; error: string }[];
  readonly imagesPerSec: number;
}

export interface InferOptions {
  readonly batchSize?: number;
  readonly topK?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function inferFiles(classifier: Classifier, paths: readonly string[], options: InferOptions = {}): Promise<InferResult> {
  const batchSize = options.batchSize ?? 64;
  const topK = options.topK ?? 5;
  const { images, skipped } = await findImages(paths);
  const { height, width, channels } = classifier.inputSize;
  const pixels = height * width * channels;
  const classes = classifier.labels.length;
  const results: InferResult['results'] = [];
  const failed: InferResult['failed'] = [];
  const started = performance.now();
  for (let start = 0; start < images.length; start += batchSize) {
    const files = images.slice(start, start + batchSize);
    // sharp decodes on libuv's thread pool: a batch decodes in parallel.
    const settled = await Promise.allSettled(files.map((file) => decodeImage(file, { height, width, channels })));
    const decoded: { file: string; pixels: Uint8Array }[] = [];
    settled.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') decoded.push({ file: files[i]!, pixels: outcome.value });
      else failed.push({ file: files[i]!, error: describeError(outcome.reason) });
    });
    if (decoded.length > 0) {
      const batch = new Float32Array(decoded.length * pixels);
      decoded.forEach((d, i) => batch.set(d.pixels, i * pixels));
      const { probabilities } = await classifier.run(batch, decoded.length);
      decoded.forEach((d, i) => {
        results.push({ file: d.file, predictions: topPredictions(probabilities.subarray(i * classes, (i + 1) * classes), classifier.labels, topK) });
      });
    }
    options.onProgress?.(Math.min(start + batchSize, images.length), images.length);
  }
  const seconds = (performance.now() - started) / 1000;
  return { executionProvider: classifier.executionProvider, results, skipped, failed, imagesPerSec: results.length / Math.max(seconds, 1e-9) };
}
