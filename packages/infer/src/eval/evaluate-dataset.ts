/**
 * `mlpx eval`: top-1 and top-5 accuracy of the deployed (ONNX) model on a dataset's test split
 * through ONNX Runtime, next to the accuracy recorded at training. The caller loads the split (the
 * CLI with @mlpx/train's loaders), so this package needs no dataset code. By default the images are
 * those the training accuracy was measured on (the first `images` of the split, from the model's
 * metadata), so the two numbers must agree: that is the check that what is deployed is what was
 * trained. Top-k counts a class as in the top k when fewer than k classes have a strictly larger
 * logit, as training does.
 *
 * A reduced-precision model (mlpx export --precision int8 or fp16) is not the trained model to
 * the last digit: it agrees when its top-1 is at most `maxDrop` below the trained top-1 (by
 * default the --max-accuracy-drop its export's accuracy gate used, recorded in mlpx.precision),
 * one-sided, as that gate; an fp32 model agrees within `tolerance` either way.
 */
import { headOf, type ImageShape, type ImageSplit, type ModelPrecision, MlpxError, TOP_K } from '@mlpx/core';
import type { Classifier } from '../classifier.js';

export const DEFAULT_ACCURACY_TOLERANCE = 0.001;

/** A test split to evaluate on, as a dataset loader returns it. */
export interface EvalData {
  /** The dataset's name as training records it ('fashion-mnist', 'cifar100', 'folder:<dir>'). */
  readonly dataset: string;
  readonly test: ImageSplit;
  /** The split's image shape; it must be the model's input shape. */
  readonly shape: ImageShape;
}

export interface EvalOptions {
  /** Evaluate on the first N test images (default: as many as training did). */
  readonly limit?: number;
  /** Evaluate on the whole test split. */
  readonly all?: boolean;
  readonly batchSize?: number;
  /** Largest allowed |deployed - trained| top-1, as a fraction (default 0.001 = 0.1 point). */
  readonly tolerance?: number;
  /**
   * Largest allowed drop of top-1 below the trained top-1, as a fraction, one-sided: the check of
   * a reduced-precision model. Default: the drop its export allowed (mlpx.precision), for int8
   * and fp16 models, unless `tolerance` is given; none (the two-sided tolerance) for fp32.
   */
  readonly maxDrop?: number;
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
  /** |top1 - trained.top1| <= tolerance (or top1 >= trained.top1 - maxDrop), or undefined without a comparable training number. */
  readonly agrees: boolean | undefined;
  readonly tolerance: number;
  /** The model's precision (fp32 unless its metadata says otherwise). */
  readonly precision: ModelPrecision;
  /** Set when the check was one-sided (reduced precision): the largest drop allowed. */
  readonly maxDrop: number | undefined;
}

async function scoreSplit(classifier: Classifier, split: ImageSplit, batchSize: number, onProgress?: EvalOptions['onProgress']) {
  const { height, width, channels } = classifier.inputSize;
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

export async function evaluateDataset(classifier: Classifier, data: EvalData, options: EvalOptions = {}): Promise<EvalReport> {
  const recorded = classifier.trained?.test;
  const { height, width, channels } = classifier.inputSize;
  const { shape, test } = data;
  if (shape.height !== height || shape.width !== width || shape.channels !== channels) {
    throw new MlpxError(`${data.dataset} images are ${shape.height}x${shape.width}x${shape.channels}, the model takes ${height}x${width}x${channels}`);
  }
  if (test.images.length !== test.count * height * width * channels || test.labels.length !== test.count) {
    throw new MlpxError(
      `${data.dataset}: its test split holds ${test.images.length} pixel values and ${test.labels.length} labels for ${test.count} images of ${height}x${width}x${channels}`,
    );
  }
  const sameDataset = recorded !== undefined && recorded.dataset === data.dataset;
  const count = options.all ? test.count : Math.min(options.limit ?? (sameDataset ? recorded.images : test.count), test.count);
  const split = headOf(test, shape, count);
  const scores = await scoreSplit(classifier, split, options.batchSize ?? 256, options.onProgress);
  const tolerance = options.tolerance ?? DEFAULT_ACCURACY_TOLERANCE;
  const precision = classifier.precision?.precision ?? 'fp32';
  const maxDrop = options.maxDrop ?? (options.tolerance === undefined && precision !== 'fp32' ? classifier.precision?.accuracy.maxDrop : undefined);
  const comparable = sameDataset && recorded.images === count && (recorded.firstIndex ?? 0) === 0;
  const trained = comparable ? { top1: recorded.accuracy, top5: recorded.top5, images: recorded.images } : undefined;
  const agrees = (trainedTop1: number): boolean =>
    maxDrop !== undefined ? scores.top1 >= trainedTop1 - maxDrop - 1e-12 : Math.abs(scores.top1 - trainedTop1) <= tolerance + 1e-12;
  return {
    dataset: data.dataset,
    images: count,
    executionProvider: classifier.executionProvider,
    ...scores,
    trained,
    agrees: trained ? agrees(trained.top1) : undefined,
    tolerance,
    precision,
    maxDrop,
  };
}
