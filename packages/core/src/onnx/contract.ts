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
  /** Added with reduced precision (mlpx export --precision): absent in fp32 models and in models exported before it. */
  precision: 'mlpx.precision',
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
  readonly resize: {
    readonly height: number;
    readonly width: number;
    readonly mode: 'bilinear';
    readonly coordinateTransformation: 'half_pixel';
    readonly antialias: false;
  };
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

/** The numeric precisions mlpx exports: float32 (default), int8 (quantized) and float16. */
export type ModelPrecision = 'fp32' | 'int8' | 'fp16';

/**
 * mlpx.precision: how a reduced-precision model was made and the accuracy gate it passed. A model
 * without the key is fp32. The graph's input and outputs stay float32 at every precision.
 */
export interface PrecisionMetadata {
  readonly precision: ModelPrecision;
  /** int8: how the activations' ranges were measured. */
  readonly calibration?: {
    /** The first `images` training images of the run (its dataset, its --limit). */
    readonly dataset: string;
    readonly split: 'train';
    readonly firstIndex: 0;
    readonly images: number;
    /** 'minmax': each activation's smallest and largest value; 'percentile': those of the central `percentile`% of its values. */
    readonly method: 'minmax' | 'percentile';
    readonly percentile?: number;
  };
  /** The graph's matrix products by operator, e.g. { "MatMulIntegerToFloat": 9, "MatMul": 8, "Gemm": 1 } (MatMulIntegerToFloat is int8). */
  readonly layers?: Readonly<Record<string, number>>;
  /** The accuracy gate at export: top-1 on the test images training measured, by ONNX Runtime. */
  readonly accuracy: {
    readonly dataset: string;
    readonly images: number;
    readonly top1: number;
    readonly trainedTop1: number;
    /** The largest drop allowed below trainedTop1, as a fraction (0.005 = 0.5 points). */
    readonly maxDrop: number;
  };
}
