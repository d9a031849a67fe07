/**
 * What startInferenceServer takes (InferenceServerOptions, re-exported by inference-server.ts)
 * and the defaults of what it leaves out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionThreading } from '../runtime/onnxruntime-node.js';
import type { ExecutionProvider } from '../runtime/execution-providers.js';

export interface InferenceServerOptions {
  /** An .onnx file written by mlpx export, or a model repository folder (mlpx export --triton). */
  readonly model: string;
  /** The name of a single file's model (default: the file name without .onnx). */
  readonly modelName?: string;
  /** Tried in order for each model version's session (default ['cpu']). */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port (see `port` on the server). */
  readonly port?: number;
  /** The largest batch a request may send and a run may gather, where no config.pbtxt says (default 32). */
  readonly maxBatchSize?: number;
  /** How long the oldest queued request waits for others to join its batch, where no config.pbtxt says (default 500). */
  readonly maxQueueDelayMicroseconds?: number;
  /** The largest request body, after decompression (default 64 MiB); larger is a 413. */
  readonly maxBodyBytes?: number;
  /** ONNX Runtime runs in flight at once per session (default 1). */
  readonly runsInFlight?: number;
  /**
   * Run each session on a thread of its own (default true), so that HTTP work goes on during a
   * run; false runs them on the server's thread, where onnxruntime-node's run blocks it.
   */
  readonly sessionThreads?: boolean;
  /**
   * The sessions' operator threads. Default: one core fewer than the machine has (at least one),
   * the other being the HTTP server's, and no spinning (ONNX Runtime's idle threads would spin on
   * the cores the server needs); on the server's thread (sessionThreads false), ONNX Runtime's
   * thread per core, without spinning.
   */
  readonly threading?: SessionThreading;
  /** Answers requests outside /v2 and /metrics (mlpx serve's demo page); without it they are 404. */
  readonly fallback?: (request: IncomingMessage, response: ServerResponse) => void;
}

/** What the model versions' sessions and batchers take from the options. */
export type SessionOptions = Pick<InferenceServerOptions, 'executionProviders' | 'sessionThreads' | 'threading' | 'runsInFlight'>;

export const DEFAULTS = { host: '127.0.0.1', port: 8080, maxBatchSize: 32, maxQueueDelayMicroseconds: 500, maxBodyBytes: 64 * 1024 * 1024 } as const;
