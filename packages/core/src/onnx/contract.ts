/**
 * The contract between `mlpx export` and everything that runs its .onnx files (onnxruntime-node,
 * the web bundle, export's own verification): the graph's input and output names, and the keys of
 * the metadata_props it carries. This is the only place these strings are written.
 *
 * The graph takes `images`, float32 [batch, height, width, 1 or 3], raw 0-255 pixels, NHWC; it
 * gives `logits` and `probabilities` (softmax of the logits), float32 [batch, classes]. Metadata
 * values are JSON, except mlpx.version.
 */
export const INPUT_NAME = 'images';
export const LOGITS_NAME = 'logits';
export const PROBABILITIES_NAME = 'probabilities';

export const METADATA_KEYS = {
  version: 'mlpx.version',
  labels: 'mlpx.labels',
  model: 'mlpx.model',
  preprocessing: 'mlpx.preprocessing',
  dataset: 'mlpx.dataset',
  training: 'mlpx.training',
} as const;

/** mlpx.preprocessing: what the graph expects and what it does to its input before the model. */
export interface PreprocessingMetadata {
  readonly input: typeof INPUT_NAME;
  readonly layout: 'NHWC';
  readonly dtype: 'float32';
  /** Raw pixel values: the graph normalises and resizes itself. */
  readonly pixelRange: readonly [0, 255];
  /** [height, width, channels] the graph takes. */
  readonly inputShape: readonly [number, number, number];
  readonly normalization: { readonly mean: number[]; readonly variance: number[]; readonly formula: string };
  readonly resize: { readonly height: number; readonly width: number; readonly mode: 'bilinear'; readonly coordinateTransformation: 'half_pixel'; readonly antialias: false };
}

/** mlpx.training, the part a deployed model is checked against: the test accuracy at training. */
export interface TrainedAccuracy {
  /** As metrics.json records it: the dataset, which test images, and the scores. */
  readonly test: {
    readonly dataset: string;
    readonly split: 'test';
    readonly firstIndex: number;
    readonly images: number;
    readonly loss: number;
    readonly accuracy: number;
    /** Top-5 accuracy; with fewer than 5 classes top-k for k = classes (reportedTopK), so 1. */
    readonly top5: number;
  };
}
