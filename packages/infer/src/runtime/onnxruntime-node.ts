/**
 * Where @mlpx/infer runs onnxruntime-node (export's verification uses it too; cuda/preload-cuda.ts
 * imports it to load the CUDA provider's libraries first, runtime/webgpu-probe.ts resolves it). Opens
 * an InferenceSession on the first execution provider of a fallback list that works, says which
 * one ran and why each earlier one did not, and runs batches through the graph's contract
 * (@mlpx/core: images in, logits and probabilities out).
 *
 * Each provider is tried on its own (not as one ONNX Runtime list) so that the one that ran is
 * known: ONNX Runtime would otherwise fall back node by node without saying so. @mlpx/core's
 * firstThatLoads does the trying and words the error when none works. WebGPU is tried in a child
 * process first (webgpu-probe.ts), so that Dawn's native warnings never reach the user's terminal.
 */
import * as ort from 'onnxruntime-node';
import { firstThatLoads, INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME, skipCandidate, type SkippedCandidate } from '@mlpx/core';
import { explainCudaFailure } from './diagnose-cuda.js';
import { probeWebgpuSession } from './webgpu-probe.js';
import { preloadCuda } from '../cuda/preload-cuda.js';
import type { ExecutionProvider } from './execution-providers.js';

/** A loaded model, opaque to callers that do not import onnxruntime-node. */
export type OnnxSession = ort.InferenceSession;

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly executionProvider: ExecutionProvider;
  /** Providers asked for before the one that ran, with the reason each failed. */
  readonly skipped: readonly SkippedCandidate<ExecutionProvider>[];
}

const WEBGPU_HINT =
  "use --ep cpu, or give WebGPU a Vulkan driver: install libvulkan1 and your GPU's driver (Debian and Ubuntu: " +
  "`sudo apt-get install libvulkan1 mesa-vulkan-drivers` for AMD and Intel GPUs; NVIDIA's driver brings its own)";

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** ONNX Runtime's words for a WebGPU provider that found no adapter ("Failed to get a WebGPU adapter: No supported adapters"). */
const NO_ADAPTER = /WebGPU adapter|RequestAdapter/i;

/** Dawn's first warning in plain words, for the two a machine without a GPU driver gives. */
function vulkanProblem(dawn: string): string {
  if (/Couldn't load Vulkan/i.test(dawn)) return 'the Vulkan loader (libvulkan.so.1) is not installed';
  if (/Found no drivers/i.test(dawn)) return 'Vulkan finds no driver';
  return `Dawn: ${dawn}`;
}

function explainWebgpu(message: string, dawn?: string): string {
  if (!NO_ADAPTER.test(message)) return message;
  return `WebGPU has no adapter on this machine${dawn ? ` (${vulkanProblem(dawn)})` : ''}; ${WEBGPU_HINT}`;
}

function explain(provider: ExecutionProvider, error: unknown): string {
  const message = firstLine(error);
  if (provider === 'cuda') return explainCudaFailure(message);
  if (provider === 'webgpu') return explainWebgpu(message);
  return message;
}

/** Threading of a session: ONNX Runtime's defaults (a thread per physical core, spinning while idle) unless set. */
export interface SessionThreading {
  /** Threads one run's operators use (ONNX Runtime's intra-op pool). */
  readonly intraOpThreads?: number;
  /** Whether those threads spin while waiting for work (faster hand-off; costs CPU that an HTTP server on the same cores needs). */
  readonly spinning?: boolean;
}

export async function openSession(
  model: Uint8Array,
  providers: readonly ExecutionProvider[],
  label: string,
  threading: SessionThreading = {},
): Promise<OpenedSession> {
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4, // failures are reported by the error below, not by ONNX Runtime's log
    ...(threading.intraOpThreads === undefined ? {} : { intraOpNumThreads: threading.intraOpThreads }),
    ...(threading.spinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: threading.spinning ? '1' : '0' } } } }),
  };
  const opened = await firstThatLoads(
    providers,
    async (provider) => {
      if (provider === 'webgpu') {
        const probe = await probeWebgpuSession(model); // Dawn's warnings stay in the child
        if (probe.error !== undefined) return skipCandidate(explainWebgpu(probe.error, probe.dawn));
      }
      if (provider === 'cuda') preloadCuda(); // the PyPI install's CUDA libraries, loaded by path
      return ort.InferenceSession.create(model, { ...options, executionProviders: [provider] });
    },
    { heading: `cannot run ${label} on ${providers.join(', ')}`, explain: (error, provider) => explain(provider, error) },
  );
  return { session: opened.value, executionProvider: opened.chosen, skipped: opened.skipped };
}

/** A session's outputs for one batch, row-major [batch, classes]. */
export interface BatchOutputs {
  readonly logits: Float32Array;
  /** [batch, classes] as ONNX Runtime gave it. */
  readonly logitsShape: readonly number[];
  readonly probabilities: Float32Array;
}

/** Runs float32 NHWC images of the given shape [n, h, w, c] through the session. */
export async function runBatch(session: ort.InferenceSession, images: Float32Array, shape: readonly number[]): Promise<BatchOutputs> {
  const input = new ort.Tensor('float32', images, [...shape]);
  try {
    const results = await session.run({ [INPUT_NAME]: input });
    const logits = results[LOGITS_NAME]!;
    return { logits: logits.data as Float32Array, logitsShape: logits.dims, probabilities: results[PROBABILITIES_NAME]!.data as Float32Array };
  } finally {
    input.dispose();
  }
}

/** Runs float32 NHWC images through the session and returns every float32 output by name (export's calibration reads values inside the graph this way). */
export async function runAllOutputs(session: ort.InferenceSession, images: Float32Array, shape: readonly number[]): Promise<Record<string, Float32Array>> {
  const input = new ort.Tensor('float32', images, [...shape]);
  try {
    const results = await session.run({ [INPUT_NAME]: input });
    return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, tensor.data as Float32Array]));
  } finally {
    input.dispose();
  }
}
