/**
 * createClassifier: an exported mlpx model behind one call, for servers that embed it.
 *
 *   const classifier = await createClassifier('model.onnx', { executionProviders: ['cuda', 'cpu'] });
 *   const result = await classifier.classify('photo.jpg', { topK: 5 });
 *   result.predictions  // [{ label, index, probability }], most probable first
 *   const results = await classifier.classify(['a.jpg', 'b.png']);  // one batch, one result each
 *   await classifier.release();
 *
 * Inputs are image files (path or encoded bytes: PNG, JPEG, WebP), decoded and resized to the
 * model's input size as `mlpx infer` does, or raw pixels already at that size. The classifier is
 * @mlpx/core's ImageClassifier, the interface @mlpx/web's loadClassifier returns in a page too.
 */
import {
  decodeImage,
  defineDeprecated,
  parseModelInfo,
  sessionClassifier,
  warnDeprecated,
  type ImageClassifier,
  type ModelInfo,
  type RawPixels,
} from '@mlpx/core';
import { readModel, type ModelFile } from './model/read-model.js';
import type { ExecutionProvider } from './runtime/execution-providers.js';
import { openSession, runBatch } from './runtime/onnxruntime-node.js';

export type { Classification, ClassifyOptions, InputSize, RawPixels } from '@mlpx/core';

/** A file path, encoded image bytes, or raw 0-255 pixels [height, width, channels] at the model's size. */
export type ImageInput = string | Uint8Array | RawPixels;

export interface Classifier extends ImageClassifier<ImageInput, ExecutionProvider> {
  /** @deprecated Use `inputSize` ({ height, width, channels }); warns once (MLPX_DEP002). */
  readonly inputShape: readonly [number, number, number];
  /** @deprecated Use `release()`, ONNX Runtime's name for it; warns once (MLPX_DEP001). */
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
  const classifier = sessionClassifier<ImageInput, ExecutionProvider>(
    info,
    {
      executionProvider: opened.executionProvider,
      skipped: opened.skipped,
      run: (pixels, count) => runBatch(opened.session, pixels, [count, height, width, channels]),
      release: () => opened.session.release(),
    },
    (image, index, size) => decodeImage(image, size, typeof image === 'string' ? image : `image ${index}`),
  );
  const withOldNames = Object.assign(classifier, {
    close: () => {
      warnDeprecated('MLPX_DEP001');
      return classifier.release();
    },
  });
  return defineDeprecated(withOldNames, 'inputShape', 'MLPX_DEP002', () => info.inputShape) as Classifier;
}
