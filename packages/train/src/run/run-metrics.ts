/**
 * metrics.json: everything a run measured, and what later steps need (export writes the test
 * accuracy and which test images it was measured on into the ONNX metadata; eval checks against
 * it). Its shape is part of the public API: add fields, do not rename them.
 */
import type { ModelConfig } from '../models/model-config.js';
import type { EpochLogs } from '../training/fit.js';
import type { TrainSettings } from './recipe.js';

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
  readonly backend: { readonly name: string; readonly description: string };
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
    readonly top5: number;
  };
  /** Training images per second (training steps only). */
  readonly imagesPerSec: number;
  readonly wallSeconds: number;
}
