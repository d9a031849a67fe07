/**
 * Triton's statistics extension (GET /v2/models[/{name}[/versions/{v}]]/stats, tritonclient's
 * get_inference_statistics), per model version and in Triton's JSON: inference_count (images
 * inferred) and execution_count (ONNX Runtime runs), the success, fail, queue and compute_infer
 * counts and cumulative nanoseconds per request, and per batch size the runs and their time.
 * Stages mlpx does not time apart (compute_input, compute_output) and the response cache, which it
 * has not, are reported as zero.
 */
import type { BatchObserver } from './batcher.js';

interface Duration {
  count: number;
  ns: number;
}

const nanoseconds = (seconds: number): number => Math.round(seconds * 1e9);
const zero = (): Duration => ({ count: 0, ns: 0 });

export class VersionStatistics implements BatchObserver {
  private inferenceCount = 0;
  private executionCount = 0;
  private lastInferenceMs = 0;
  private readonly success = zero();
  private readonly fail = zero();
  private readonly queue = zero();
  private readonly computeInfer = zero();
  private readonly batches = new Map<number, Duration>();

  constructor(
    readonly model: string,
    readonly version: string,
  ) {}

  enqueued(): void {}

  dispatched(queueSeconds: number): void {
    this.queue.count++;
    this.queue.ns += nanoseconds(queueSeconds);
  }

  ran(images: number, requests: number, computeSeconds: number): void {
    this.inferenceCount += images;
    this.executionCount++;
    this.lastInferenceMs = Date.now();
    this.computeInfer.count += requests;
    this.computeInfer.ns += nanoseconds(computeSeconds) * requests;
    let batch = this.batches.get(images);
    if (!batch) this.batches.set(images, (batch = zero()));
    batch.count++;
    batch.ns += nanoseconds(computeSeconds);
  }

  settled(): void {}

  /** An inference request to this version answered, successfully (ok) or not, `seconds` after it arrived. */
  answered({ ok, seconds }: { readonly ok: boolean; readonly seconds: number }): void {
    const into = ok ? this.success : this.fail;
    into.count++;
    into.ns += nanoseconds(seconds);
  }

  toJSON(): object {
    const { count } = this.computeInfer;
    return {
      name: this.model,
      version: this.version,
      last_inference: this.lastInferenceMs,
      inference_count: this.inferenceCount,
      execution_count: this.executionCount,
      inference_stats: {
        success: this.success,
        fail: this.fail,
        queue: this.queue,
        compute_input: { count, ns: 0 },
        compute_infer: this.computeInfer,
        compute_output: { count, ns: 0 },
        cache_hit: zero(),
        cache_miss: zero(),
      },
      response_stats: {},
      batch_stats: [...this.batches]
        .sort(([a], [b]) => a - b)
        .map(([batchSize, run]) => ({
          batch_size: batchSize,
          compute_input: { count: run.count, ns: 0 },
          compute_infer: run,
          compute_output: { count: run.count, ns: 0 },
        })),
      memory_usage: [],
    };
  }
}

/** The body of a statistics request: {"model_stats": [...]}. */
export function statisticsBody(versions: readonly VersionStatistics[]): string {
  return JSON.stringify({ model_stats: versions });
}
