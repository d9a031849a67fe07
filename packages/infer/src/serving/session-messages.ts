/** The messages between the inference server and a model version's session thread (session-worker.ts). */
import type { SkippedCandidate } from '@mlpx/core';
import type { ExecutionProvider } from '../runtime/execution-providers.js';
import type { SessionThreading } from '../runtime/onnxruntime-node.js';

/** What the thread is started with (workerData). */
export interface SessionWorkerData {
  readonly model: Uint8Array;
  readonly providers: readonly ExecutionProvider[];
  /** Names the model in errors. */
  readonly label: string;
  readonly threading: SessionThreading;
  /** [height, width, channels] of one image. */
  readonly imageShape: readonly [number, number, number];
}

export type SessionRequest =
  /** `images` is transferred, and comes back with the answer. */
  { readonly type: 'run'; readonly id: number; readonly images: Float32Array; readonly count: number } | { readonly type: 'close' };

export type SessionReply =
  | {
      readonly type: 'opened';
      readonly executionProvider: ExecutionProvider;
      readonly skipped: readonly SkippedCandidate<ExecutionProvider>[];
    }
  | { readonly type: 'open-failed'; readonly message: string; readonly mlpx: boolean }
  | { readonly type: 'result'; readonly id: number; readonly images: Float32Array; readonly logits: Float32Array; readonly probabilities: Float32Array }
  | { readonly type: 'run-failed'; readonly id: number; readonly images: Float32Array; readonly message: string }
  | { readonly type: 'closed' };
