/**
 * @mlpx/web's one call: load an exported mlpx model in a page and classify images with it,
 * on WebGPU where the browser has an adapter and on wasm where it does not.
 *
 *   import { loadClassifier } from '@mlpx/web';
 *   const clf = await loadClassifier('model.onnx', { executionProviders: ['webgpu', 'wasm'] });
 *   const top5 = await clf.classify(document.querySelector('img'), { topK: 5 });
 *
 * Labels and the input size come from the model's metadata (written by mlpx export).
 */
import * as ort from 'onnxruntime-web/webgpu';
import { INPUT_NAME, MlpxError, parseModelInfo, PROBABILITIES_NAME, topPredictions, type Prediction, type TrainedAccuracy } from '@mlpx/core/browser';
import { fetchModel, type DownloadProgress } from './fetch-model.js';
import { imagePixels, type InputSize, type WebImageInput } from './image-pixels.js';
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

export interface WebClassifier {
  readonly executionProvider: WebExecutionProvider;
  /** Providers asked for before the one that runs, and why each could not. */
  readonly skipped: readonly { executionProvider: WebExecutionProvider; reason: string }[];
  readonly labels: readonly string[];
  readonly inputSize: InputSize;
  readonly trained: TrainedAccuracy | undefined;
  /** Whether the model came from the Cache API rather than the network. */
  readonly fromCache: boolean;
  classify(input: WebImageInput, options?: { topK?: number }): Promise<Prediction[]>;
  /** Raw pixels [height, width, channels] in, all class probabilities out. */
  probabilities(pixels: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
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

export async function loadClassifier(modelUrl: string, options: LoadClassifierOptions = {}): Promise<WebClassifier> {
  ort.env.wasm.wasmPaths = options.wasmPaths ?? packagedWasmPaths();
  if (options.numThreads !== undefined) ort.env.wasm.numThreads = options.numThreads;
  if (!globalThis.crossOriginIsolated) ort.env.wasm.numThreads = 1;
  const fetched = await fetchModel(modelUrl, { cache: options.cache ?? true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const info = parseModelInfo(fetched.bytes, modelUrl);
  await fetched.store();

  const skipped: { executionProvider: WebExecutionProvider; reason: string }[] = [];
  let session: ort.InferenceSession | undefined;
  let executionProvider: WebExecutionProvider | undefined;
  for (const provider of options.executionProviders ?? ['webgpu', 'wasm']) {
    const unavailable = provider === 'webgpu' ? await webgpuUnavailable(info.precision?.precision === 'fp16') : undefined;
    if (unavailable) {
      skipped.push({ executionProvider: provider, reason: unavailable });
      continue;
    }
    try {
      session = await ort.InferenceSession.create(fetched.bytes, { executionProviders: [provider], graphOptimizationLevel: 'all' });
      executionProvider = provider;
      break;
    } catch (error) {
      skipped.push({ executionProvider: provider, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (!session || !executionProvider) {
    throw new MlpxError(`cannot run ${modelUrl}: ${skipped.map((s) => `${s.executionProvider}: ${s.reason}`).join('; ')}`);
  }

  const [height, width, channels] = info.inputShape;
  const inputSize = { height, width, channels };
  const activeSession = session;
  const probabilities = async (pixels: Float32Array): Promise<Float32Array> => {
    const input = new ort.Tensor('float32', pixels, [1, height, width, channels]);
    const results = await activeSession.run({ [INPUT_NAME]: input });
    return results[PROBABILITIES_NAME]!.data as Float32Array;
  };
  return {
    executionProvider,
    skipped,
    labels: info.labels,
    inputSize,
    trained: info.trained,
    fromCache: fetched.fromCache,
    probabilities,
    async classify(input, { topK = 5 } = {}) {
      return topPredictions(await probabilities(await imagePixels(input, inputSize)), info.labels, topK);
    },
    release: () => activeSession.release(),
  };
}
