/**
 * `mlpx export` as a library call: a run folder (default runs/latest) to a verified .onnx file.
 * The model is exported, run through TensorFlow.js and ONNX Runtime on the same images at two
 * batch sizes, and written (to a temporary name, renamed into place) only if they agree. At
 * reduced precision (int8, fp16) an accuracy gate replaces that check
 * (precision/reduced-precision.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describeError, MlpxError, writeFileAtomic } from '@mlpx/core';
import { CHECKPOINT_JSON, LABELS_JSON, LATEST, loadModel, METRICS_JSON, MODEL_JSON, parseLabels, parseRunMetrics, RUNS_ROOT } from '@mlpx/train';
import type { FftMode } from './emit/real-dft2d.js';
import { converterOptionsOf, exportToOnnx, weightReader } from './export-to-onnx.js';
import { summarizeOnnx, type OnnxSummary } from './onnx-summary.js';
import { DEFAULT_OPSET } from './onnx/versions.js';
import { runMetadata } from './run-metadata.js';
import { DEFAULT_TOLERANCE, verificationImages, verifyExport, type VerificationReport } from './verify/verify-export.js';
import type { Precision } from './onnx/numerics.js';
import { exportReducedPrecision, type AccuracyGate, type ReducedPrecisionOptions } from './precision/reduced-precision.js';
import type { Calibration } from './precision/calibrate.js';

export const DEFAULT_RUN = join(RUNS_ROOT, LATEST);
/** Images the CLI verifies with, at batch 1 and at this batch. */
export const VERIFICATION_BATCH = 16;

/** mlpx export's settings; the int8 and fp16 ones are ReducedPrecisionOptions' (precision/reduced-precision.ts). */
export interface ExportRunOptions extends Omit<ReducedPrecisionOptions, 'precision'> {
  readonly run?: string;
  readonly output: string;
  readonly opset?: number;
  /** The options of the converters that have their own (ExportOptions.converterOptions): `{ fft: 'dft' }`. */
  readonly converterOptions?: Readonly<Record<string, string>>;
  /** @deprecated use `converterOptions: { fft }` (MLPX_DEP007). */
  readonly fft?: FftMode;
  readonly tolerance?: number;
  readonly mlpxVersion: string;
  /** fp32 (default), int8 or fp16. */
  readonly precision?: Precision;
}

export interface ExportRunResult {
  readonly output: string;
  readonly bytes: number;
  readonly summary: OnnxSummary;
  /** The model's own parameter count (trainable and not). */
  readonly modelParameters: number;
  readonly precision: Precision;
  /** fp32: the check against TensorFlow.js. */
  readonly verification: VerificationReport | undefined;
  /** int8, fp16: the accuracy gate it passed. */
  readonly accuracy: AccuracyGate | undefined;
  /** int8: the calibration. */
  readonly calibration: Calibration | undefined;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new MlpxError(`cannot read ${what} ${path}: ${describeError(error)}`);
  }
}

async function checkRunFolder(run: string): Promise<void> {
  const info = await stat(run).catch(() => undefined);
  if (!info?.isDirectory()) {
    const hint = run === DEFAULT_RUN ? ' (train a model first with mlpx train, or name a run folder with --run)' : '';
    throw new MlpxError(`run folder ${run} does not exist${hint}`);
  }
  const exists = async (file: string): Promise<boolean> => (await stat(join(run, file)).catch(() => undefined)) !== undefined;
  // metrics.json is written last: without it, a folder holding a checkpoint is a run that stopped.
  if (!(await exists(METRICS_JSON)) && (await exists(CHECKPOINT_JSON))) {
    throw new MlpxError(
      `run folder ${run} is unfinished: its training stopped before the end (it has a checkpoint, no ${METRICS_JSON}); finish it with \`mlpx train --resume ${run}\`, then export it`,
    );
  }
  for (const file of [MODEL_JSON, METRICS_JSON, LABELS_JSON]) {
    if (!(await exists(file))) throw new MlpxError(`run folder ${run} has no ${file}: is it a run folder written by mlpx train?`);
  }
}

async function checkWritable(output: string): Promise<void> {
  const folder = dirname(resolve(output));
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new MlpxError(`cannot write ${output}: ${describeError(error)}`);
  }
  if ((await stat(output).catch(() => undefined))?.isDirectory()) throw new MlpxError(`cannot write ${output}: it is a folder`);
}

function normalizationStatistics(model: tf.LayersModel): { mean: Float32Array; variance: Float32Array } {
  const layer = model.layers.find((l) => l.getClassName() === 'Normalization');
  if (!layer) throw new MlpxError('the model has no Normalization layer: is it a model trained by mlpx?');
  const read = weightReader(layer);
  return { mean: read('mean').values, variance: read('variance').values };
}

export async function exportRun(options: ExportRunOptions): Promise<ExportRunResult> {
  const run = options.run ?? DEFAULT_RUN;
  const opset = options.opset ?? DEFAULT_OPSET;
  await checkRunFolder(run);
  await checkWritable(options.output);
  const metricsPath = join(run, METRICS_JSON);
  const metrics = parseRunMetrics(await readText(metricsPath, 'the run metrics'), metricsPath);
  const labelsPath = join(run, LABELS_JSON);
  const labels = parseLabels(await readText(labelsPath, 'the class labels'), labelsPath, metrics.dataset.numClasses);
  const precision = options.precision ?? 'fp32';
  const model = await loadModel(run);
  try {
    const exportOptions = {
      opset,
      converterOptions: converterOptionsOf(options),
      producerVersion: options.mlpxVersion,
      description: `${metrics.modelConfig.model} trained by mlpx on ${metrics.dataset.name}; test top-1 ${(metrics.test.accuracy * 100).toFixed(2)}% on ${metrics.test.images} images${precision === 'fp32' ? '' : `; ${precision}`}`,
      metadata: runMetadata({ metrics, labels, normalization: normalizationStatistics(model), mlpxVersion: options.mlpxVersion }),
    };
    if (precision !== 'fp32') {
      const reduced = await exportReducedPrecision(model, metrics, exportOptions, { ...options, precision }, options.output);
      await writeFileAtomic(options.output, reduced.bytes);
      return {
        output: options.output,
        bytes: reduced.bytes.length,
        summary: summarizeOnnx(reduced.bytes),
        modelParameters: model.countParams(),
        precision,
        verification: undefined,
        accuracy: reduced.accuracy,
        calibration: reduced.calibration,
      };
    }
    const bytes = exportToOnnx(model, exportOptions);
    const [height, width, channels] = metrics.dataset.inputShape;
    const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
    const images = verificationImages(VERIFICATION_BATCH, height, width, channels);
    const pixels = height * width * channels;
    const [batched, single] = (await verifyExport(
      model,
      bytes,
      [
        { images, shape: [VERIFICATION_BATCH, height, width, channels] },
        { images: images.subarray(2 * pixels, 3 * pixels), shape: [1, height, width, channels] },
      ],
      tolerance,
    )) as [VerificationReport, VerificationReport];
    const verification: VerificationReport = {
      ...batched,
      maxLogitDifference: Math.max(batched.maxLogitDifference, single.maxLogitDifference),
      passed: batched.passed && single.passed,
    };
    if (!verification.passed) {
      throw new MlpxError(
        `the exported model disagrees with TensorFlow.js: largest logit difference ${verification.maxLogitDifference.toExponential(2)} ` +
          `(tolerance ${tolerance} x max(1, ${verification.logitScale.toFixed(3)})), top-1 agreement ${(verification.top1Agreement * 100).toFixed(1)}%; ` +
          `${options.output} was not written. Please report this with the run folder.`,
      );
    }
    await writeFileAtomic(options.output, bytes);
    return {
      output: options.output,
      bytes: bytes.length,
      summary: summarizeOnnx(bytes),
      modelParameters: model.countParams(),
      precision,
      verification,
      accuracy: undefined,
      calibration: undefined,
    };
  } finally {
    model.dispose();
  }
}
