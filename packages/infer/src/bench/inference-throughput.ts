/**
 * Inference throughput of an ONNX model on an onnxruntime-node execution provider: images per
 * second at a batch size, after warm-up, as the median of timed repetitions (each repetition runs
 * enough batches to take a measurable time).
 */
import { openSession, runBatch } from '../runtime/onnxruntime-node.js';
import type { ExecutionProvider } from '../runtime/execution-providers.js';

export interface InferenceThroughputOptions {
  readonly model: Uint8Array;
  readonly inputShape: readonly [number, number, number];
  readonly batchSize: number;
  readonly executionProvider?: ExecutionProvider;
  readonly repetitions?: number;
  /** Images per timed repetition, at least (default 256). */
  readonly imagesPerRepetition?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function measureInferenceThroughput(options: InferenceThroughputOptions): Promise<number> {
  const [height, width, channels] = options.inputShape;
  const { session } = await openSession(options.model, [options.executionProvider ?? 'cpu'], 'the benchmark model');
  try {
    const images = Float32Array.from({ length: options.batchSize * height * width * channels }, (_, i) => (i * 7919) % 256);
    const shape = [options.batchSize, height, width, channels] as const;
    const batches = Math.max(1, Math.ceil((options.imagesPerRepetition ?? 256) / options.batchSize));
    for (let i = 0; i < 2; i++) await runBatch(session, images, shape);
    const rates: number[] = [];
    for (let r = 0; r < (options.repetitions ?? 3); r++) {
      const started = performance.now();
      for (let b = 0; b < batches; b++) await runBatch(session, images, shape);
      rates.push((batches * options.batchSize) / ((performance.now() - started) / 1000));
    }
    return median(rates);
  } finally {
    await session.release();
  }
}
