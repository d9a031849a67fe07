/**
 * @mlpx/web's one call: load an exported mlpx model in a page and classify images with it,
 * on WebGPU where the browser has an adapter and on wasm where it does not.
 *
 *   import { loadClassifier } from '@mlpx/web';
 *   const classifier = await loadClassifier('model.onnx', { executionProviders: ['webgpu', 'wasm'] });
 *   const { predictions } = await classifier.classify(document.querySelector('img'), { topK: 5 });
 *   await classifier.release();
 *
 * Labels and the input size come from the model's metadata (written by mlpx export). The
 * classifier is @mlpx/core's ImageClassifier, the interface @mlpx/infer's createClassifier returns
 * in Node too.
 */
import * as ort from 'onnxruntime-web/webgpu';
import {
  firstThatLoads,
  INPUT_NAME,
  LOGITS_NAME,
  parseModelInfo,
  PROBABILITIES_NAME,
  sessionClassifier,
  skipCandidate,
  warnDeprecated,
  type Classification,
  type ClassifyOptions,
  type ImageClassifier,
  type ModelInfo,
  type RawOutputs,
} from '@mlpx/core/browser';
import { withDeprecatedArrayView } from './deprecated-predictions.js';
import { fetchModel, type DownloadProgress } from './fetch-model.js';
import { imagePixels, type WebImageInput } from './image-pixels.js';
import { packagedWasmPaths, type WasmPaths } from './runtime-files.js';

export type WebExecutionProvider = 'webgpu' | 'wasm';

export interface LoadClassifierOptions {
  /** Tried in order (default ['webgpu', 'wasm']). */
  readonly executionProviders?: readonly WebExecutionProvider[];
  /**
   * Where onnxruntime-web's runtime files are served: a URL prefix (a folder with both files,
   * ending in `/`, e.g. a CDN's onnxruntime-web@1.30.0/dist/) or `{ wasm, mjs }`. Default: the
   * copies this package ships, which a bundler emits with the build. onnxruntime-web reads it on
   * its first session in the page.
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * Threads of the wasm backend (default onnxruntime-web's: half the cores, at most 4). More than
   * one needs a cross-origin isolated page (COOP/COEP headers); without one it is always 1.
   */
  readonly numThreads?: number;
  /** Download progress of the model. */
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Keep the model in the Cache API (default true). */
  readonly cache?: boolean;
}

export interface WebClassifier extends ImageClassifier<WebImageInput, WebExecutionProvider> {
  /** Whether the model came from the Cache API rather than the network. */
  readonly fromCache: boolean;
  /** @deprecated Use `(await classifier.run(pixels)).probabilities`; warns once (MLPX_DEP004). */
  probabilities(pixels: Float32Array): Promise<Float32Array>;
}

/**
 * Why WebGPU cannot run the model here, or undefined. An fp16 model (mlpx export --precision fp16)
 * needs the adapter's shader-f16 feature: without it onnxruntime-web opens the session and then
 * fails at the first run ("requires f16 but the device does not support it"), so it is asked here.
 */
async function webgpuUnavailable(needsFloat16: boolean): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features: ReadonlySet<string> } | null> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is undefined)';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'the browser offers no WebGPU adapter';
    if (needsFloat16 && !adapter.features.has('shader-f16')) return 'the model is fp16 and this WebGPU adapter has no shader-f16 feature (float16 shaders)';
  } catch (error) {
    return `requesting a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

/** An InferenceSession on the first provider that loads; the error lists each provider's reason when none does. */
async function openSession(bytes: Uint8Array, info: ModelInfo, providers: readonly WebExecutionProvider[], modelUrl: string) {
  return firstThatLoads(
    providers,
    async (provider) => {
      const unavailable = provider === 'webgpu' ? await webgpuUnavailable(info.precision?.precision === 'fp16') : undefined;
      if (unavailable) return skipCandidate(unavailable);
      return ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
    },
    { heading: `cannot run ${modelUrl} on ${providers.join(', ')}` },
  );
}

async function runBatch(session: ort.InferenceSession, pixels: Float32Array, shape: readonly number[]): Promise<RawOutputs> {
  const input = new ort.Tensor('float32', pixels, [...shape]);
  try {
    const results = await session.run({ [INPUT_NAME]: input });
    return { logits: results[LOGITS_NAME]!.data as Float32Array, probabilities: results[PROBABILITIES_NAME]!.data as Float32Array };
  } finally {
    input.dispose();
  }
}

export async function loadClassifier(modelUrl: string, options: LoadClassifierOptions = {}): Promise<WebClassifier> {
  ort.env.wasm.wasmPaths = options.wasmPaths ?? packagedWasmPaths();
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (!globalThis.crossOriginIsolated) ort.env.wasm.numThreads = 1;
  const fetched = await fetchModel(modelUrl, { cache: options.cache ?? true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const info = parseModelInfo(fetched.bytes, modelUrl);
  await fetched.store();
  const opened = await openSession(fetched.bytes, info, options.executionProviders ?? ['webgpu', 'wasm'], modelUrl);
  const session = opened.value;
  const [height, width, channels] = info.inputShape;
  const classifier = sessionClassifier<WebImageInput, WebExecutionProvider>(
    info,
    {
      executionProvider: opened.chosen,
      skipped: opened.skipped,
      run: (pixels, count) => runBatch(session, pixels, [count, height, width, channels]),
      release: () => session.release(),
    },
    (image, _index, size) => imagePixels(image, size),
  );

  function classify(image: WebImageInput, options?: ClassifyOptions): Promise<Classification>;
  function classify(images: readonly WebImageInput[], options?: ClassifyOptions): Promise<Classification[]>;
  function classify(images: WebImageInput | readonly WebImageInput[], options?: ClassifyOptions): Promise<Classification | Classification[]>;
  async function classify(images: WebImageInput | readonly WebImageInput[], options?: ClassifyOptions): Promise<Classification | Classification[]> {
    const result = await classifier.classify(images, options);
    // One image's result was its predictions array before: it still reads as one, with a warning.
    return Array.isArray(images) ? result : withDeprecatedArrayView(result as Classification);
  }

  return {
    ...classifier,
    classify,
    fromCache: fetched.fromCache,
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecated method itself, kept for one release
    probabilities: async (pixels) => {
      warnDeprecated('MLPX_DEP004');
      return (await classifier.run(pixels, 1)).probabilities;
    },
  };
}
