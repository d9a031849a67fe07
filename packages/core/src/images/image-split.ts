/**
 * The in-memory form every dataset loader returns and evaluation takes: uint8 pixels, NHWC,
 * row-major, plus integer labels. Models take these raw 0-255 pixels; normalization and resizing
 * happen inside the model (as in the seed), so the same bytes reach the trained model, the
 * exported ONNX graph and the web bundle.
 */
export interface ImageSplit {
  /** count * height * width * channels bytes, NHWC. */
  readonly images: Uint8Array;
  /** count class indices in [0, classes). */
  readonly labels: Int32Array;
  readonly count: number;
}

export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** The first `count` examples of a split, without copying. */
export function headOf(split: ImageSplit, shape: ImageShape, count: number): ImageSplit {
  const pixels = shape.height * shape.width * shape.channels;
  const n = Math.min(count, split.count);
  return { images: split.images.subarray(0, n * pixels), labels: split.labels.subarray(0, n), count: n };
}
