/**
 * A model version's ONNX Runtime session, behind one interface whether it runs on a thread of its
 * own (session-thread.ts) or on the server's thread.
 */
import { availableParallelism } from 'node:os';
import type { SkippedCandidate } from '@mlpx/core';
import { openSession, runBatch } from '../runtime/onnxruntime-node.js';
import type { ExecutionProvider } from '../runtime/execution-providers.js';
import type { BatchOutputs } from './batcher.js';
import type { ServedVersion } from './repository.js';
import type { SessionOptions } from './server-options.js';
import { SessionThread } from './session-thread.js';

export interface SessionProvider {
  readonly executionProvider: ExecutionProvider;
  readonly skipped: readonly SkippedCandidate<ExecutionProvider>[];
}

export interface Session extends SessionProvider {
  run(images: Float32Array, count: number): Promise<BatchOutputs & { readonly images?: Float32Array }>;
  close(): Promise<void>;
}

/** A version's session on a thread of its own. */
async function startThreadSession(served: ServedVersion, options: SessionOptions): Promise<Session> {
  const providers = options.executionProviders ?? ['cpu'];
  const threading = options.threading ?? { spinning: false, intraOpThreads: Math.max(1, availableParallelism() - 1) };
  const thread = await SessionThread.open({ model: served.bytes, providers, label: served.path, threading, imageShape: served.inputShape });
  return {
    executionProvider: thread.executionProvider,
    skipped: thread.skipped,
    run: (images, count) => thread.run(images, count),
    close: () => thread.close(),
  };
}

/** A version's session on the server's thread. */
async function startInlineSession(served: ServedVersion, options: SessionOptions): Promise<Session> {
  const providers = options.executionProviders ?? ['cpu'];
  const opened = await openSession(served.bytes, providers, served.path, options.threading ?? { spinning: false });
  const [height, width, channels] = served.inputShape;
  return {
    executionProvider: opened.executionProvider,
    skipped: opened.skipped,
    run: (images, count) => runBatch(opened.session, images, [count, height, width, channels]),
    close: () => opened.session.release(),
  };
}

/** A version's session: on a thread of its own (sessionThreads, the default), or on this one. */
export function startSession(served: ServedVersion, options: SessionOptions): Promise<Session> {
  return (options.sessionThreads ?? true) ? startThreadSession(served, options) : startInlineSession(served, options);
}
