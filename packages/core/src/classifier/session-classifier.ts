/**
 * The ImageClassifier both platforms return, over an opened session: the platform gives the
 * session's batch run and release, and how it turns one of its images into pixels; the rest
 * (single or batch classify, raw pixels, top-K, the released state, the skipped list's deprecated
 * field) is the same code in Node and in a page, so the two behave alike.
 */
import { defineDeprecated } from '../deprecation/deprecated.js';
import { MlpxError } from '../errors.js';
import type { SkippedCandidate } from '../fallback/first-that-loads.js';
import type { ModelInfo } from '../onnx/model-info.js';
import { TOP_K, topPredictions } from '../predictions/top-k.js';
import type { Classification, ClassifyOptions, ImageClassifier, InputSize, RawOutputs, RawPixels, SkippedProvider } from './image-classifier.js';

/** An opened inference session, as a platform gives it to sessionClassifier. */
export interface ClassifierSession<Provider extends string> {
  readonly executionProvider: Provider;
  readonly skipped: readonly SkippedCandidate<Provider>[];
  /** Runs `count` images of float32 0-255 pixels (NHWC, concatenated): logits and probabilities, [count, classes]. */
  run(pixels: Float32Array, count: number): Promise<RawOutputs>;
  release(): Promise<void>;
}

/** Pixels of one of the platform's images at the model's size, 0-255 [height, width, channels]; `index` is its place in the batch, for errors. */
export type PixelReader<Image> = (image: Image, index: number, size: InputSize) => Promise<ArrayLike<number>>;

export function isRawPixels(image: unknown): image is RawPixels {
  if (typeof image !== 'object' || image === null || !('pixels' in image)) return false;
  const pixels = (image as { pixels: unknown }).pixels;
  return pixels instanceof Uint8Array || pixels instanceof Float32Array;
}

const RELEASED = 'this classifier was released: load the model again to classify';

function isBatch<Input>(images: Input | readonly Input[]): images is readonly Input[] {
  return Array.isArray(images);
}

/** The skipped list with each entry's old field name (executionProvider) readable, with a warning, for one release. */
export function withDeprecatedProviderField<Provider extends string>(skipped: readonly SkippedCandidate<Provider>[]): SkippedProvider<Provider>[] {
  return skipped.map(
    (entry) => defineDeprecated({ name: entry.name, reason: entry.reason }, 'executionProvider', 'MLPX_DEP003', () => entry.name) as SkippedProvider<Provider>,
  );
}

export function sessionClassifier<Input, Provider extends string>(
  model: ModelInfo,
  session: ClassifierSession<Provider>,
  pixelsOf: PixelReader<Exclude<Input, RawPixels>>,
): ImageClassifier<Input, Provider> {
  const [height, width, channels] = model.inputShape;
  const inputSize: InputSize = { height, width, channels };
  const pixelsPerImage = height * width * channels;
  const classes = model.labels.length;
  let released: Promise<void> | undefined;

  const run = async (pixels: Float32Array, count = pixels.length / pixelsPerImage): Promise<RawOutputs> => {
    if (released) throw new MlpxError(RELEASED);
    if (!Number.isInteger(count) || count < 1 || pixels.length !== count * pixelsPerImage) {
      throw new RangeError(`run: ${pixels.length} pixel values for ${count} images, expected ${count}x${height}x${width}x${channels}`);
    }
    return session.run(pixels, count);
  };

  const pixelsOfImage = async (image: Input, index: number): Promise<ArrayLike<number>> => {
    if (!isRawPixels(image)) return pixelsOf(image as Exclude<Input, RawPixels>, index, inputSize);
    if (image.pixels.length !== pixelsPerImage) {
      throw new RangeError(`image ${index}: ${image.pixels.length} pixel values, expected ${height}x${width}x${channels} = ${pixelsPerImage}`);
    }
    return image.pixels;
  };

  const classifyBatch = async (images: readonly Input[], topK: number): Promise<Classification[]> => {
    if (images.length === 0) return [];
    if (released) throw new MlpxError(RELEASED); // before decoding
    // Decoded side by side: sharp decodes on libuv's thread pool, a browser off the main thread.
    const decoded = await Promise.all(images.map((image, i) => pixelsOfImage(image, i)));
    const batch = new Float32Array(images.length * pixelsPerImage);
    decoded.forEach((pixels, i) => batch.set(pixels, i * pixelsPerImage));
    const { logits, probabilities } = await run(batch, images.length);
    return images.map((_, i) => {
      const rowProbabilities = probabilities.slice(i * classes, (i + 1) * classes);
      return {
        predictions: topPredictions(rowProbabilities, model.labels, topK),
        probabilities: rowProbabilities,
        logits: logits.slice(i * classes, (i + 1) * classes),
      };
    });
  };

  function classify(image: Input, options?: ClassifyOptions): Promise<Classification>;
  function classify(images: readonly Input[], options?: ClassifyOptions): Promise<Classification[]>;
  function classify(images: Input | readonly Input[], options?: ClassifyOptions): Promise<Classification | Classification[]>;
  async function classify(images: Input | readonly Input[], { topK = TOP_K }: ClassifyOptions = {}): Promise<Classification | Classification[]> {
    if (isBatch(images)) return classifyBatch(images, topK);
    return (await classifyBatch([images], topK))[0]!;
  }

  return {
    executionProvider: session.executionProvider,
    skipped: withDeprecatedProviderField(session.skipped),
    labels: model.labels,
    inputSize,
    family: model.family,
    trained: model.trained,
    precision: model.precision,
    classify,
    run,
    release: () => (released ??= session.release()),
  };
}
