/**
 * createClassifier: an exported mlpx model behind one call, for servers that embed it.
 *
 *   const classifier = await createClassifier('model.onnx', { executionProviders: ['cuda', 'cpu'] });
 *   const [result] = await classifier.classify(['photo.jpg'], { topK: 5 });
 *   result.predictions  // [{ label, index, probability }], most probable first
 *
 * Inputs are image files (path or encoded bytes: PNG, JPEG, WebP), decoded and resized to the
 * model's input size as `mlpx infer` does, or raw pixels already at that size.
 */
import { decodeImage, parseModelInfo, topPredictions, type ModelInfo, type Prediction, type PrecisionMetadata, type TrainedAccuracy } from '@mlpx/core';
import { readModel, type ModelFile } from './model/read-model.js';
import type { ExecutionProvider } from './runtime/execution-providers.js';
import { openSession, runBatch } from './runtime/onnxruntime-node.js';

/** A file path, encoded image bytes, or raw 0-255 pixels [height, width, channels] at the model's size. */
export type ImageInput = string | Uint8Array | { readonly pixels: Uint8Array | Float32Array };

export interface Classification {
  readonly predictions: Prediction[];
  readonly probabilities: Float32Array;
  readonly logits: Float32Array;
}

export interface Classifier {
  readonly executionProvider: ExecutionProvider;
  /** Providers asked for before the one that runs, and why each could not. */
  readonly skipped: readonly { executionProvider: ExecutionProvider; reason: string }[];
  readonly labels: readonly string[];
  /** [height, width, channels] of the images the model takes. */
  readonly inputShape: readonly [number, number, number];
  readonly family: string | undefined;
  /** The accuracy recorded at training, when the model carries it. */
  readonly trained: TrainedAccuracy | undefined;
  /** How a reduced-precision (int8, fp16) model was made and the accuracy gate it passed at export; undefined for fp32. */
  readonly precision: PrecisionMetadata | undefined;
  /** Decodes (when needed) and classifies images, in one batch. */
  classify(images: readonly ImageInput[], options?: { topK?: number }): Promise<Classification[]>;
  /** Runs `count` images of raw pixels, concatenated, in one batch. */
  run(pixels: Float32Array, count: number): Promise<{ logits: Float32Array; probabilities: Float32Array }>;
  close(): Promise<void>;
}

export interface ClassifierOptions {
  /** Tried in order; the first that works runs (default ['cpu']). */
  readonly executionProviders?: readonly ExecutionProvider[];
}

export async function createClassifier(modelPath: string, options: ClassifierOptions = {}): Promise<Classifier> {
  const info: ModelFile = await readModel(modelPath);
  return classifierOf(info, modelPath, options);
}

/** A classifier of a model's bytes (export's accuracy gate runs the model it is about to write). `label` names the model in errors. */
export async function classifierFromBytes(bytes: Uint8Array, label: string, options: ClassifierOptions = {}): Promise<Classifier> {
  return classifierOf({ bytes, ...parseModelInfo(bytes, label) }, label, options);
}

async function classifierOf(info: ModelInfo & { readonly bytes: Uint8Array }, modelPath: string, options: ClassifierOptions): Promise<Classifier> {
  const opened = await openSession(info.bytes, options.executionProviders ?? ['cpu'], modelPath);
  const [height, width, channels] = info.inputShape;
  const pixelsPerImage = height * width * channels;
  const classes = info.labels.length;

  const run = async (pixels: Float32Array, count: number) => runBatch(opened.session, pixels, [count, height, width, channels]);

  const toPixels = async (input: ImageInput, index: number): Promise<Uint8Array | Float32Array> => {
    if (typeof input === 'string' || input instanceof Uint8Array) {
      return decodeImage(input, { height, width, channels }, typeof input === 'string' ? input : `image ${index}`);
    }
    if (input.pixels.length !== pixelsPerImage) {
      throw new RangeError(`image ${index}: ${input.pixels.length} pixel values, expected ${height}x${width}x${channels} = ${pixelsPerImage}`);
    }
    return input.pixels;
  };

  return {
    executionProvider: opened.executionProvider,
    skipped: opened.skipped,
    labels: info.labels,
    inputShape: info.inputShape,
    family: info.family,
    trained: info.trained,
    precision: info.precision,
    run,
    async classify(images, { topK = 5 } = {}) {
      if (images.length === 0) return [];
      // sharp decodes on libuv's thread pool: the batch decodes in parallel, as inferFiles does.
      const decoded = await Promise.all(images.map((image, i) => toPixels(image, i)));
      const batch = new Float32Array(images.length * pixelsPerImage);
      decoded.forEach((pixels, i) => batch.set(pixels, i * pixelsPerImage));
      const { logits, probabilities } = await run(batch, images.length);
      return images.map((_, i) => {
        const rowProbabilities = probabilities.slice(i * classes, (i + 1) * classes);
        return {
          predictions: topPredictions(rowProbabilities, info.labels, topK),
          probabilities: rowProbabilities,
          logits: logits.slice(i * classes, (i + 1) * classes),
        };
      });
    },
    close: () => opened.session.release(),
  };
}
