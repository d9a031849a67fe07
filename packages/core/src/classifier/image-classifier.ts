/**
 * The one classifier interface: @mlpx/infer's createClassifier (onnxruntime-node) and @mlpx/web's
 * loadClassifier (onnxruntime-web) both return an ImageClassifier, each with its own image input
 * type (file paths and encoded bytes in Node; img, canvas, ImageBitmap, ImageData in a page; raw
 * pixels in both) and its own execution providers.
 *
 *   const result = await classifier.classify(image, { topK: 5 });     // one image: one Classification
 *   const results = await classifier.classify([a, b], { topK: 5 });   // an array: one each, in order
 *   result.predictions  // [{ label, index, probability }], most probable first
 *   await classifier.release();
 *
 * release() is ONNX Runtime's verb (InferenceSession.release()) for the same thing: the session's
 * memory (and GPU buffers) freed; the classifier refuses to classify afterwards.
 */
import type { SkippedCandidate } from '../fallback/first-that-loads.js';
import type { PrecisionMetadata, TrainedAccuracy } from '../onnx/contract.js';
import type { Prediction } from '../predictions/top-k.js';

/** The size of the images a model takes. mlpx's models take NHWC images: [batch, height, width, channels]. */
export interface InputSize {
  readonly height: number;
  readonly width: number;
  /** 1 (greyscale) or 3 (RGB). */
  readonly channels: number;
}

/** Raw 0-255 pixels of one image already at the model's size, [height, width, channels] row-major. */
export interface RawPixels {
  readonly pixels: Uint8Array | Float32Array;
}

export interface Classification {
  /** The top-K classes, most probable first. */
  readonly predictions: Prediction[];
  /** Every class's probability, in the labels' order. */
  readonly probabilities: Float32Array;
  /** Every class's logit, in the labels' order. */
  readonly logits: Float32Array;
}

export interface ClassifyOptions {
  /** How many predictions to return, most probable first (default 5; every class when the model has fewer). */
  readonly topK?: number;
}

/** The session's outputs for a batch, row-major [count, classes]. */
export interface RawOutputs {
  readonly logits: Float32Array;
  readonly probabilities: Float32Array;
}

/**
 * A skipped execution provider. `executionProvider` is the field's old name: for one release it
 * still reads the name, with a deprecation warning (MLPX_DEP003), and is not enumerable.
 */
export interface SkippedProvider<Provider extends string = string> extends SkippedCandidate<Provider> {
  /** @deprecated Use `name`. */
  readonly executionProvider: Provider;
}

export interface ImageClassifier<Input, Provider extends string = string> {
  /** The execution provider the session runs on: the first of those asked for that loaded. */
  readonly executionProvider: Provider;
  /** Providers asked for before the one that runs, in order, and why each could not. */
  readonly skipped: readonly SkippedProvider<Provider>[];
  /** The class names, in the order of the model's outputs. */
  readonly labels: readonly string[];
  /** The size of the images the model takes; other sizes are resized to it (raw pixels must be this size). */
  readonly inputSize: InputSize;
  /** The model family (`mlpx train --model`'s name, e.g. 'mixer'), when the model records it. */
  readonly family: string | undefined;
  /** The accuracy recorded at training, when the model carries it. */
  readonly trained: TrainedAccuracy | undefined;
  /** How a reduced-precision (int8, fp16) model was made and the accuracy gate it passed at export; undefined for fp32. */
  readonly precision: PrecisionMetadata | undefined;
  /** Classifies one image. */
  classify(image: Input, options?: ClassifyOptions): Promise<Classification>;
  /** Classifies images in one batch: one Classification each, in order. */
  classify(images: readonly Input[], options?: ClassifyOptions): Promise<Classification[]>;
  classify(images: Input | readonly Input[], options?: ClassifyOptions): Promise<Classification | Classification[]>;
  /**
   * Runs raw float32 0-255 pixels of `count` images at the model's size, concatenated (NHWC), in one
   * batch (default: as many images as the pixels hold).
   */
  run(pixels: Float32Array, count?: number): Promise<RawOutputs>;
  /** Frees the session. Calling it again does nothing; classify and run refuse afterwards. */
  release(): Promise<void>;
}
