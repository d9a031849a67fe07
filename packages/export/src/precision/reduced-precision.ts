/**
 * exportRun's reduced-precision path (int8, fp16): instead of the fp32 export's 1e-4 logit check
 * against TensorFlow.js, an accuracy gate. The model is evaluated with ONNX Runtime on the test
 * images its training accuracy was measured on (metrics.json's test: the first `images` of the
 * run's test split, as `mlpx eval` does with evaluateDataset), and written only when its top-1 is
 * at most `maxAccuracyDrop` below the trained top-1.
 *
 * int8 first calibrates its activations on the run's own training images: the first
 * `calibrationImages` of the training split the run loaded (its dataset, --limit, --data-file).
 */
import type * as tf from '@tensorflow/tfjs';
import { MlpxError, METADATA_KEYS, type PrecisionMetadata } from '@mlpx/core';
import { classifierFromBytes } from '@mlpx/infer/tooling';
import { evaluateDataset, type EvalReport } from '@mlpx/infer';
import { loadDataset, type ImageDataset, type RunMetrics } from '@mlpx/train';
import { withLocalCopyHint } from '@mlpx/train/tooling';
import { exportToOnnx, type ExportOptions } from '../export-to-onnx.js';
import { summarizeOnnx } from '../onnx-summary.js';
import { calibrateActivations, DEFAULT_CALIBRATION_IMAGES, type Calibration, type CalibrationMethod } from './calibrate.js';
import type { Numerics, Precision } from '../onnx/numerics.js';

/** The default largest top-1 drop below the trained accuracy, as a fraction: 0.5 points. */
export const DEFAULT_MAX_ACCURACY_DROP = 0.005;

export interface ReducedPrecisionOptions {
  readonly precision: Exclude<Precision, 'fp32'>;
  /** int8: training images to calibrate the activations on (default 512). */
  readonly calibrationImages?: number;
  readonly calibrationMethod?: CalibrationMethod;
  /** The largest top-1 drop below the trained accuracy, as a fraction (default 0.005, 0.5 points). */
  readonly maxAccuracyDrop?: number;
  /** A local copy of the run's dataset, when it is no longer where training found it. */
  readonly dataFile?: string;
  /** @internal Multiplies every calibrated range: for tests of the accuracy gate only. */
  readonly calibrationRangeScale?: number;
  /** Status lines (the dataset loaded for calibration and the gate). */
  readonly onInfo?: (line: string) => void;
}

export interface AccuracyGate {
  readonly dataset: string;
  readonly images: number;
  readonly top1: number;
  readonly trainedTop1: number;
  readonly maxDrop: number;
  readonly passed: boolean;
}

export interface ReducedPrecisionExport {
  readonly bytes: Uint8Array;
  readonly accuracy: AccuracyGate;
  readonly calibration: Calibration | undefined;
  readonly precision: PrecisionMetadata;
}

function datasetOf(metrics: RunMetrics, dataFile: string | undefined, onInfo: ((line: string) => void) | undefined): Promise<ImageDataset> {
  const { settings } = metrics;
  const file = dataFile ?? settings.dataFile;
  return withLocalCopyHint(settings.dataset, file, () =>
    loadDataset(settings.dataset, {
      ...(settings.limit === undefined ? {} : { limit: settings.limit }),
      ...(file === undefined ? {} : { dataFile: file }),
      ...(settings.dataDir === undefined ? {} : { dataDir: settings.dataDir }),
      ...(settings.folderImageSize === undefined ? {} : { folderImageSize: settings.folderImageSize }),
      seed: settings.seed,
      ...(onInfo ? { onInfo } : {}),
    }),
  );
}

/** The graph's matrix products by operator: MatMulIntegerToFloat is int8, MatMul and Gemm float. */
function layerCounts(bytes: Uint8Array): Record<string, number> {
  const operators = summarizeOnnx(bytes).operators;
  return Object.fromEntries(['MatMulIntegerToFloat', 'MatMul', 'Gemm'].filter((op) => (operators[op] ?? 0) > 0).map((op) => [op, operators[op]!]));
}

async function gate(bytes: Uint8Array, dataset: ImageDataset, metrics: RunMetrics, maxDrop: number): Promise<AccuracyGate> {
  const classifier = await classifierFromBytes(bytes, 'the exported model');
  let report: EvalReport;
  try {
    report = await evaluateDataset(classifier, {
      dataset: dataset.name,
      test: dataset.test,
      shape: { height: dataset.height, width: dataset.width, channels: dataset.channels },
    });
  } finally {
    await classifier.release();
  }
  if (!report.trained) {
    throw new MlpxError(
      `cannot check the accuracy of the reduced-precision model: the run's test accuracy was measured on ${metrics.test.images} ${metrics.test.dataset} test images, ` +
        `and the test split loaded now (${dataset.name}, ${dataset.test.count} images) does not hold them`,
    );
  }
  return {
    dataset: report.dataset,
    images: report.images,
    top1: report.top1,
    trainedTop1: report.trained.top1,
    maxDrop,
    passed: report.top1 >= report.trained.top1 - maxDrop - 1e-12,
  };
}

/** Exports `model` at reduced precision and gates it; throws (writing nothing) when it misses. `exportOptions` carry the run's metadata. */
export async function exportReducedPrecision(
  model: tf.LayersModel,
  metrics: RunMetrics,
  exportOptions: ExportOptions,
  options: ReducedPrecisionOptions,
  output: string,
): Promise<ReducedPrecisionExport> {
  const maxDrop = options.maxAccuracyDrop ?? DEFAULT_MAX_ACCURACY_DROP;
  if (!(maxDrop >= 0 && maxDrop <= 1)) throw new MlpxError(`--max-accuracy-drop must be between 0 and 100 points (got ${maxDrop * 100})`);
  const dataset = await datasetOf(metrics, options.dataFile, options.onInfo);
  const [height, width, channels] = metrics.dataset.inputShape;
  if (dataset.height !== height || dataset.width !== width || dataset.channels !== channels) {
    throw new MlpxError(`${dataset.name} images are ${dataset.height}x${dataset.width}x${dataset.channels}, the run trained on ${height}x${width}x${channels}`);
  }
  let calibration: Calibration | undefined;
  let numerics: Numerics = { precision: options.precision };
  if (options.precision === 'int8') {
    const wanted = options.calibrationImages ?? DEFAULT_CALIBRATION_IMAGES;
    if (!(Number.isInteger(wanted) && wanted >= 1)) throw new MlpxError(`--calibration must be a positive number of images (got ${wanted})`);
    const count = Math.min(wanted, dataset.train.count);
    if (count < wanted) options.onInfo?.(`--calibration ${wanted}: the run has ${dataset.train.count} training images, calibrating on all of them`);
    const pixels = height * width * channels;
    const images = Float32Array.from(dataset.train.images.subarray(0, count * pixels));
    calibration = await calibrateActivations(model, images, [count, height, width, channels], {
      ...(exportOptions.opset === undefined ? {} : { opset: exportOptions.opset }),
      ...(exportOptions.converterOptions === undefined ? {} : { converterOptions: exportOptions.converterOptions }),
      ...(options.calibrationMethod === undefined ? {} : { method: options.calibrationMethod }),
      ...(options.calibrationRangeScale === undefined ? {} : { rangeScale: options.calibrationRangeScale }),
    });
    numerics = { precision: 'int8', activations: calibration.activations };
  }
  const unchecked = exportToOnnx(model, { ...exportOptions, numerics });
  const accuracy = await gate(unchecked, dataset, metrics, maxDrop);
  const points = (x: number): string => (x * 100).toFixed(2);
  if (!accuracy.passed) {
    const drop = accuracy.trainedTop1 - accuracy.top1;
    throw new MlpxError(
      `the ${options.precision} model misses the accuracy gate: top-1 ${points(accuracy.top1)}% on the ${accuracy.images} ${accuracy.dataset} test images training measured, ` +
        `${points(drop)} points below the trained ${points(accuracy.trainedTop1)}%, ${points(drop - maxDrop)} points more than --max-accuracy-drop ${points(maxDrop)} allows; ` +
        `${output} was not written.${options.precision === 'int8' ? ' Try more --calibration images, or --precision fp16 or fp32.' : ' Try --precision fp32.'}`,
    );
  }
  const precision: PrecisionMetadata = {
    precision: options.precision,
    ...(calibration
      ? {
          calibration: {
            dataset: dataset.name,
            split: 'train',
            firstIndex: 0,
            images: calibration.images,
            method: calibration.method,
            ...(calibration.percentile === undefined ? {} : { percentile: calibration.percentile }),
          },
        }
      : {}),
    layers: layerCounts(unchecked),
    accuracy: { dataset: accuracy.dataset, images: accuracy.images, top1: accuracy.top1, trainedTop1: accuracy.trainedTop1, maxDrop },
  };
  // The same graph, now with its record of the gate it passed (metadata changes no computation).
  const bytes = exportToOnnx(model, {
    ...exportOptions,
    numerics,
    metadata: { ...exportOptions.metadata, [METADATA_KEYS.precision]: JSON.stringify(precision) },
  });
  return { bytes, accuracy, calibration, precision };
}
