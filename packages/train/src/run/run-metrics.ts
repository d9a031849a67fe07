/**
 * metrics.json: everything a run measured, and what later steps need (export writes the test
 * accuracy and which test images it was measured on into the ONNX metadata; eval checks against
 * it). Its shape is part of the public API: add fields, do not rename them. (One field moved: FNet's
 * positionTable, beside the sizes in settings.architecture and modelConfig until it went into their
 * familyOptions with the family's other options; parseRunMetrics reads either.)
 */
import { describeError, MlpxError } from '@mlpx/core';
import { recordedFamilyOptions } from '../models/family-options.js';
import type { ModelConfig } from '../models/model-config.js';
import type { EpochLogs } from '../fit/fit.js';
import type { TrainSettings } from '../training/recipe.js';

export const METRICS_JSON = 'metrics.json';
export const LABELS_JSON = 'labels.json';
export const CURVES_SVG = 'curves.svg';

export interface RunMetrics {
  readonly mlpxVersion: string;
  readonly createdAt: string;
  readonly settings: TrainSettings;
  readonly modelConfig: ModelConfig;
  readonly parameters: number;
  readonly dataset: {
    readonly name: string;
    readonly source: string;
    /** [height, width, channels] of the raw input images. */
    readonly inputShape: readonly [number, number, number];
    readonly numClasses: number;
    readonly trainImages: number;
    readonly validationImages: number;
  };
  readonly backend: {
    readonly name: string;
    readonly description: string;
    /** Threads per training step (absent before data-parallel training). */ readonly threads?: number;
  };
  readonly history: readonly EpochLogs[];
  readonly stoppedEarly: boolean;
  /** The 1-based epoch whose weights were saved. */
  readonly savedWeightsEpoch: number;
  readonly test: {
    readonly dataset: string;
    readonly split: 'test';
    /** The test images used: the first `images` of the split, in the dataset's order. */
    readonly firstIndex: 0;
    readonly images: number;
    readonly loss: number;
    readonly accuracy: number;
    /** Top-5 accuracy; with fewer than 5 classes top-k for k = classes (reportedTopK), so 1. */
    readonly top5: number;
  };
  /** Training images per second (training steps only). */
  readonly imagesPerSec: number;
  readonly wallSeconds: number;
}

/**
 * Reads metrics.json text back, checking the fields later steps rely on (export writes them into
 * the model, eval compares with them), so a damaged or foreign file gives one clear error naming
 * it rather than a crash deep inside.
 */
export function parseRunMetrics(text: string, path: string): RunMetrics {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MlpxError(`${path} is not valid JSON: ${describeError(error)}`);
  }
  const problem = (what: string): MlpxError => new MlpxError(`${path} is not a metrics.json written by mlpx train: ${what}`);
  const object = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const positiveInteger = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
  const fraction = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
  if (!object(value)) throw problem('it is not a JSON object');
  const { modelConfig, dataset, test, history, settings, backend } = value;
  if (!object(modelConfig) || typeof modelConfig['model'] !== 'string' || !positiveInteger(modelConfig['imageSize']))
    throw problem('modelConfig is missing or incomplete');
  if (
    !object(dataset) ||
    typeof dataset['name'] !== 'string' ||
    !Array.isArray(dataset['inputShape']) ||
    dataset['inputShape'].length !== 3 ||
    !dataset['inputShape'].every(positiveInteger) ||
    !positiveInteger(dataset['numClasses'])
  ) {
    throw problem('dataset is missing or incomplete');
  }
  if (
    !object(test) ||
    typeof test['dataset'] !== 'string' ||
    !Number.isInteger(test['images']) ||
    (test['images'] as number) < 0 ||
    !fraction(test['accuracy']) ||
    !fraction(test['top5'])
  ) {
    throw problem('test is missing or incomplete');
  }
  if (!Array.isArray(history) || !object(settings) || !object(backend)) throw problem('history, settings or backend is missing');
  const metrics = value as unknown as RunMetrics;
  // The family's own options as written today, from a run of before familyOptions too (family-options.ts).
  return {
    ...metrics,
    settings: { ...metrics.settings, architecture: recordedFamilyOptions(metrics.settings.model, metrics.settings.architecture) },
    modelConfig: recordedFamilyOptions(metrics.modelConfig.model, metrics.modelConfig),
  };
}

/** Reads labels.json text back: a list of `classes` names. */
export function parseLabels(text: string, path: string, classes: number): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MlpxError(`${path} is not valid JSON: ${describeError(error)}`);
  }
  if (!Array.isArray(value) || value.length !== classes || !value.every((v) => typeof v === 'string')) {
    throw new MlpxError(`${path} is not a list of ${classes} class names`);
  }
  return value as string[];
}
