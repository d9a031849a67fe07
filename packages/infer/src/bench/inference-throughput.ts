/**
 * Inference throughput of an ONNX model on an onnxruntime-node execution provider: images per
 * second at a batch size, after warm-up, as the median of timed repetitions (each repetition runs
 * enough batches to take a measurable time).
 */
import { imagesPerSecond, type RepetitionOptions } from '@mlpx/core';
import { openSession, runBatch } from '../runtime/onnxruntime-node.js';
import type { ExecutionProvider } from '../runtime/execution-providers.js';

export interface InferenceThroughputOptions extends RepetitionOptions {
  readonly model: Uint8Array;
  readonly inputShape: readonly [number, number, number];
  readonly batchSize: number;
  readonly executionProvider?: ExecutionProvider;
}

export async function measureInferenceThroughput(options: InferenceThroughputOptions): Promise<number> {
  const [height, width, channels] = options.inputShape;
  const { session } = await openSession(options.model, [options.executionProvider ?? 'cpu'], 'the benchmark model');
  try {
    const images = Float32Array.from({ length: options.batchSize * height * width * channels }, (_, i) => (i * 7919) % 256);
    const shape = [options.batchSize, height, width, channels] as const;
    return await imagesPerSecond(
      async () => {
        await runBatch(session, images, shape);
      },
      options.batchSize,
      options,
    );
  } finally {
    await session.release();
  }
}
