/**
 * The only file in mlpx that touches onnxruntime-node (export's verification uses it too). Opens
 * an InferenceSession on the first execution provider of a fallback list that works, says which
 * one ran and why each earlier one did not, and runs batches through the graph's contract
 * (@mlpx/core: images in, logits and probabilities out).
 *
 * Each provider is tried on its own (not as one ONNX Runtime list) so that the one that ran is
 * known: ONNX Runtime would otherwise fall back node by node without saying so.
 */
import * as ort from 'onnxruntime-node';
import { INPUT_NAME, LOGITS_NAME, MlpxError, PROBABILITIES_NAME } from '@mlpx/core';
import { diagnoseCuda } from './diagnose-cuda.js';
import { preloadCuda } from '../cuda/preload-cuda.js';
import type { ExecutionProvider } from './execution-providers.js';

/** A loaded model, opaque to callers that do not import onnxruntime-node. */
export type OnnxSession = ort.InferenceSession;

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly executionProvider: ExecutionProvider;
  /** Providers asked for before the one that ran, with the reason each failed. */
  readonly skipped: readonly { executionProvider: ExecutionProvider; reason: string }[];
}

const WEBGPU_HINT =
  'WebGPU needs a Vulkan driver: on Linux install libvulkan1 and a GPU driver; without a GPU, the SwiftShader ' +
  'driver from Debian\'s chromium package works (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json XDG_RUNTIME_DIR=/tmp)';

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

function explain(provider: ExecutionProvider, error: unknown): string {
  const message = firstLine(error);
  if (provider === 'cuda') return `${diagnoseCuda(message)} (ONNX Runtime: ${message})`;
  if (provider === 'webgpu') return `${message}. ${WEBGPU_HINT}`;
  return message;
}

export async function openSession(model: Uint8Array, providers: readonly ExecutionProvider[], label: string): Promise<OpenedSession> {
  const skipped: { executionProvider: ExecutionProvider; reason: string }[] = [];
  for (const provider of providers) {
    try {
      if (provider === 'cuda') preloadCuda(); // the PyPI install's CUDA libraries, loaded by path
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        logSeverityLevel: 4, // failures are reported by the error below, not by ONNX Runtime's log
      });
      return { session, executionProvider: provider, skipped };
    } catch (error) {
      skipped.push({ executionProvider: provider, reason: explain(provider, error) });
    }
  }
  const reasons = skipped.map((s) => `  ${s.executionProvider}: ${s.reason}`).join('\n');
  throw new MlpxError(`cannot run ${label} on ${providers.join(', ')}:\n${reasons}`);
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
