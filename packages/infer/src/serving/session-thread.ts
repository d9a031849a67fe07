/**
 * The server's side of a session thread (session-worker.ts): opens the model version's session
 * there, runs batches on it (the images transferred there and back, the outputs transferred
 * here), and closes it. The worker is the compiled one, found through the package's exports, so
 * that tests running the TypeScript sources use the build too.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MlpxError, type SkippedCandidate } from '@mlpx/core';
import type { ExecutionProvider } from '../runtime/execution-providers.js';
import type { BatchOutputs } from './batcher.js';
import type { SessionReply, SessionRequest, SessionWorkerData } from './session-messages.js';

export interface SessionRun extends BatchOutputs {
  /** The images' buffer, back from the thread. */
  readonly images: Float32Array;
}

export class SessionThread {
  private readonly pending = new Map<number, { resolve(run: SessionRun): void; reject(error: Error): void }>();
  private nextId = 0;
  private closed: Promise<void> | undefined;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly executionProvider: ExecutionProvider,
    readonly skipped: readonly SkippedCandidate<ExecutionProvider>[],
  ) {
    worker.on('message', (message: SessionReply) => {
      if (message.type !== 'result' && message.type !== 'run-failed') return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'result') waiting?.resolve(message);
      else waiting?.reject(new Error(`inference failed: ${message.message}`));
    });
    const failAll = (error: Error): void => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => failAll(new Error(`the session thread failed: ${error.message.split('\n')[0]}`)));
    worker.on('exit', (code) => failAll(new Error(`the session thread exited (code ${code})`)));
  }

  static open(data: SessionWorkerData): Promise<SessionThread> {
    const worker = new Worker(createRequire(import.meta.url).resolve('@mlpx/infer/session-worker'), { workerData: data });
    return new Promise<SessionThread>((resolve, reject) => {
      const onError = (error: Error): void => reject(new MlpxError(`cannot start the session thread of ${data.label}: ${error.message.split('\n')[0]}`));
      worker.once('error', onError);
      worker.once('message', (message: SessionReply) => {
        worker.off('error', onError);
        if (message.type === 'opened') {
          resolve(new SessionThread(worker, message.executionProvider, message.skipped));
        } else {
          void worker.terminate();
          const text = message.type === 'open-failed' ? message.message : `unexpected message ${message.type}`;
          reject(message.type === 'open-failed' && message.mlpx ? new MlpxError(text) : new Error(text));
        }
      });
    });
  }

  /** Runs `count` images; `images` is transferred to the thread (unusable here until it comes back in the result). */
  run(images: Float32Array, count: number): Promise<SessionRun> {
    if (this.exited || this.closed) return Promise.reject(new Error('the session thread is closed'));
    const id = this.nextId++;
    return new Promise<SessionRun>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: SessionRequest = { type: 'run', id, images, count };
      this.worker.postMessage(request, [images.buffer as ArrayBuffer]);
    });
  }

  /** Releases the session and ends the thread. */
  close(): Promise<void> {
    this.closed ??= this.exited
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.worker.once('exit', () => resolve());
          this.worker.on('message', (message: SessionReply) => {
            if (message.type === 'closed') void this.worker.terminate();
          });
          this.worker.postMessage({ type: 'close' } satisfies SessionRequest);
        });
    return this.closed;
  }
}
