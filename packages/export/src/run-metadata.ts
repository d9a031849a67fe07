/**
 * The metadata_props an exported run carries, so that whoever runs the .onnx knows what it is and
 * how well it did: class labels, the model family and its configuration, the preprocessing the
 * graph contains and what it expects as input, the dataset, and the accuracy recorded at training
 * with the test images it was measured on. Values are JSON except mlpx.version.
 */
import type { RunMetrics } from '@mlpx/train';

export const METADATA_KEYS = {
  version: 'mlpx.version',
  labels: 'mlpx.labels',
  model: 'mlpx.model',
  preprocessing: 'mlpx.preprocessing',
  dataset: 'mlpx.dataset',
  training: 'mlpx.training',
} as const;

export interface PreprocessingMetadata {
  readonly input: string;
  readonly layout: 'NHWC';
  readonly dtype: 'float32';
  /** Raw pixel values: the graph normalises and resizes itself. */
  readonly pixelRange: readonly [0, 255];
  /** [height, width, channels] the graph takes. */
  readonly inputShape: readonly [number, number, number];
  readonly normalization: { readonly mean: number[]; readonly variance: number[]; readonly formula: string };
  readonly resize: { readonly height: number; readonly width: number; readonly mode: 'bilinear'; readonly coordinateTransformation: 'half_pixel'; readonly antialias: false };
}

export function runMetadata(options: {
  metrics: RunMetrics;
  labels: readonly string[];
  normalization: { mean: Float32Array; variance: Float32Array };
  mlpxVersion: string;
}): Record<string, string> {
  const { metrics, labels } = options;
  const [height, width, channels] = metrics.dataset.inputShape;
  const preprocessing: PreprocessingMetadata = {
    input: 'images',
    layout: 'NHWC',
    dtype: 'float32',
    pixelRange: [0, 255],
    inputShape: [height, width, channels],
    normalization: {
      mean: Array.from(options.normalization.mean),
      variance: Array.from(options.normalization.variance),
      formula: '(x - mean) / max(sqrt(variance), 1e-7), per channel',
    },
    resize: {
      height: metrics.modelConfig.imageSize,
      width: metrics.modelConfig.imageSize,
      mode: 'bilinear',
      coordinateTransformation: 'half_pixel',
      antialias: false,
    },
  };
  return {
    [METADATA_KEYS.version]: options.mlpxVersion,
    [METADATA_KEYS.labels]: JSON.stringify(labels),
    [METADATA_KEYS.model]: JSON.stringify({ family: metrics.modelConfig.model, config: metrics.modelConfig, parameters: metrics.parameters }),
    [METADATA_KEYS.preprocessing]: JSON.stringify(preprocessing),
    [METADATA_KEYS.dataset]: JSON.stringify(metrics.dataset),
    [METADATA_KEYS.training]: JSON.stringify({
      test: metrics.test,
      epochs: metrics.history.length,
      savedWeightsEpoch: metrics.savedWeightsEpoch,
      backend: metrics.backend,
      settings: metrics.settings,
      createdAt: metrics.createdAt,
    }),
  };
}
