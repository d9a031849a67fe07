/**
 * `mlpx eval`: top-1 and top-5 accuracy of the deployed (ONNX) model on a dataset's test split
 * through ONNX Runtime, next to the accuracy recorded at training. By default the test images are
 * those the training accuracy was measured on (the first `images` of the split, from the model's
 * metadata), so the two numbers must agree: that is the check that what is deployed is what was
 * trained. Top-k counts a class as in the top k when fewer than k classes have a strictly larger
 * logit, as training does.
 */
import { describeError, headOf, loadDataset, MlpxError, TOP_K, type ImageSplit, type LoadDatasetOptions } from '@mlpx/train';
import type { Classifier } from '../classifier.js';

export const DEFAULT_ACCURACY_TOLERANCE = 0.001;

export interface EvalOptions {
  /** Dataset spec; defaults to the one recorded at training. */
  readonly dataset?: string;
  /** Evaluate on the first N test images (default: as many as training did). */
  readonly limit?: number;
  /** Evaluate on the whole test split. */
  readonly all?: boolean;
  readonly batchSize?: number;
  /** Largest allowed |deployed - trained| top-1, as a fraction (default 0.001 = 0.1 point). */
  readonly tolerance?: number;
  readonly dataOptions?: LoadDatasetOptions;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EvalReport {
  readonly dataset: string;
  readonly images: number;
  readonly executionProvider: string;
  readonly top1: number;
  readonly top5: number;
  readonly imagesPerSec: number;
  /** What training measured, when the model records it and the images are the same. */
  readonly trained: { readonly top1: number; readonly top5: number; readonly images: number } | undefined;
  /** |top1 - trained.top1| <= tolerance, or undefined without a comparable training number. */
  readonly agrees: boolean | undefined;
  readonly tolerance: number;
}

async function scoreSplit(classifier: Classifier, split: ImageSplit, batchSize: number, onProgress?: EvalOptions['onProgress']) {
  const [height, width, channels] = classifier.inputShape;
  const pixels = height * width * channels;
  const classes = classifier.labels.length;
  let top1 = 0;
  let top5 = 0;
  const started = performance.now();
  for (let start = 0; start < split.count; start += batchSize) {
    const count = Math.min(batchSize, split.count - start);
    const batch = Float32Array.from(split.images.subarray(start * pixels, (start + count) * pixels));
    const { logits } = await classifier.run(batch, count);
    for (let i = 0; i < count; i++) {
      const row = logits.subarray(i * classes, (i + 1) * classes);
      const truth = row[split.labels[start + i]!]!;
      let larger = 0;
      for (let c = 0; c < classes; c++) if (row[c]! > truth) larger++;
      if (larger === 0) top1++;
      if (larger < TOP_K) top5++;
    }
    onProgress?.(start + count, split.count);
  }
  const seconds = (performance.now() - started) / 1000;
  return { top1: top1 / split.count, top5: top5 / split.count, imagesPerSec: split.count / Math.max(seconds, 1e-9) };
}

export async function evaluateDataset(classifier: Classifier, options: EvalOptions = {}): Promise<EvalReport> {
  const recorded = classifier.trained?.test;
  const dataset = options.dataset ?? recorded?.dataset;
  if (!dataset) throw new MlpxError('the model records no dataset: name one with --dataset');
  let loaded;
  try {
    loaded = await loadDataset(dataset, options.dataOptions);
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot load ${dataset}: ${describeError(error)}`);
  }
  const [height, width, channels] = classifier.inputShape;
  if (loaded.height !== height || loaded.width !== width || loaded.channels !== channels) {
    throw new MlpxError(`${dataset} images are ${loaded.height}x${loaded.width}x${loaded.channels}, the model takes ${height}x${width}x${channels}`);
  }
  const sameDataset = recorded !== undefined && recorded.dataset === loaded.name;
  const count = options.all ? loaded.test.count : Math.min(options.limit ?? (sameDataset ? recorded.images : loaded.test.count), loaded.test.count);
  const split = headOf(loaded.test, { height, width, channels }, count);
  const scores = await scoreSplit(classifier, split, options.batchSize ?? 256, options.onProgress);
  const tolerance = options.tolerance ?? DEFAULT_ACCURACY_TOLERANCE;
  const comparable = sameDataset && recorded.images === count && (recorded.firstIndex ?? 0) === 0;
  const trained = comparable ? { top1: recorded.accuracy, top5: recorded.top5, images: recorded.images } : undefined;
  return {
    dataset: loaded.name,
    images: count,
    executionProvider: classifier.executionProvider,
    ...scores,
    trained,
    agrees: trained ? Math.abs(scores.top1 - trained.top1) <= tolerance + 1e-12 : undefined,
    tolerance,
  };
}
