/**
 * The metadata_props an exported run carries, so that whoever runs the .onnx knows what it is and
 * how well it did: class labels, the model family and its configuration, the preprocessing the
 * graph contains and what it expects as input, the dataset, and the accuracy recorded at training
 * with the test images it was measured on. Values are JSON except mlpx.version.
 */
import { INPUT_NAME, METADATA_KEYS, type PreprocessingMetadata, type TrainedAccuracy } from '@mlpx/core';
import type { RunMetrics } from '@mlpx/train';

export function runMetadata(options: {
  metrics: RunMetrics;
  labels: readonly string[];
  normalization: { mean: Float32Array; variance: Float32Array };
  mlpxVersion: string;
}): Record<string, string> {
  const { metrics, labels } = options;
  const [height, width, channels] = metrics.dataset.inputShape;
  const preprocessing: PreprocessingMetadata = {
    input: INPUT_NAME,
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
    } satisfies TrainedAccuracy & Record<string, unknown>),
  };
}
