/**
 * A model version's ONNX Runtime session on a thread of its own (worker_threads). onnxruntime-node
 * runs a session synchronously on the thread that calls it, so on the server's thread every run
 * would stop the HTTP work for its whole length; here the server goes on reading and answering
 * requests while a batch runs. Each batch's images arrive transferred (not copied) and go back
 * with its outputs, for the next batch to reuse.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MlpxError } from '@mlpx/core';
import { openSession, runBatch, type OnnxSession } from '../runtime/onnxruntime-node.js';
import type { SessionReply, SessionRequest, SessionWorkerData } from './session-messages.js';

if (!parentPort) throw new Error('session-worker.js runs as a worker thread of the inference server');
const port = parentPort;
const data = workerData as SessionWorkerData;
const [height, width, channels] = data.imageShape;

const reply = (message: SessionReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

let session: OnnxSession | undefined;
try {
  const opened = await openSession(data.model, data.providers, data.label, data.threading);
  session = opened.session;
  reply({ type: 'opened', executionProvider: opened.executionProvider, skipped: opened.skipped });
} catch (error) {
  reply({ type: 'open-failed', message: error instanceof Error ? error.message : String(error), mlpx: error instanceof MlpxError });
}

port.on('message', (request: SessionRequest) => {
  if (request.type === 'close') {
    void (session?.release() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        reply({ type: 'closed' });
        port.close();
      });
    return;
  }
  const { id, images, count } = request;
  const input = images.length === count * height * width * channels ? images : images.subarray(0, count * height * width * channels);
  runBatch(session!, input, [count, height, width, channels]).then(
    (outputs) =>
      reply({ type: 'result', id, images, logits: outputs.logits, probabilities: outputs.probabilities }, [
        images.buffer as ArrayBuffer,
        outputs.logits.buffer as ArrayBuffer,
        outputs.probabilities.buffer as ArrayBuffer,
      ]),
    (error: unknown) => reply({ type: 'run-failed', id, images, message: firstLine(error) }, [images.buffer as ArrayBuffer]),
  );
});
