/**
 * Dynamic batching for one model version: requests that arrive while the session is busy, or
 * within the queue delay, are gathered into one ONNX Runtime run of up to maxBatchSize images,
 * oldest first, and each request gets back exactly its own rows (views into the run's outputs,
 * no copy).
 *
 * As in Triton, the delay is counted from the oldest queued request: a run starts as soon as the
 * batch is full, or the oldest request has waited maxQueueDelayMicroseconds, or (delay 0) once the
 * requests already read from the sockets have been queued. Requests queued while a run is in
 * flight start the next run the moment it ends, so under load batches form without waiting.
 * Node cannot sleep less than a millisecond without spinning, so the last millisecond of a wait
 * is spent turning the event loop, and ends early at the first turn in which no request arrived:
 * the wait is only worth its time while requests keep coming.
 * Runs on one session are serialized (maxInFlight, default 1). Input pixels are copied once, into
 * a batch buffer that is reused from run to run.
 */
import type { BatchingPolicy } from './repository.js';

/** What the batcher reports as it works (metrics.ts and statistics.ts listen). */
export interface BatchObserver {
  /** A request joined the queue. */
  enqueued(): void;
  /** A request's run started, after `queueSeconds` in the queue. */
  dispatched(queueSeconds: number): void;
  /** A run of `images` images for `requests` requests took `computeSeconds`. */
  ran(images: number, requests: number, computeSeconds: number): void;
  /** `requests` requests got their answer (or their error). */
  settled(requests: number): void;
}

export interface BatchOutputs {
  readonly logits: Float32Array;
  readonly probabilities: Float32Array;
}

export interface BatcherOptions {
  /**
   * Runs `count` images of raw pixels, concatenated (float32 NHWC). A run on another thread takes
   * `images` away (transferred) and gives it back as `images` in its result.
   */
  readonly run: (images: Float32Array, count: number) => Promise<BatchOutputs & { readonly images?: Float32Array }>;
  readonly pixelsPerImage: number;
  readonly classes: number;
  readonly policy: BatchingPolicy;
  /** Runs in flight at once on the session (default 1). */
  readonly maxInFlight?: number;
  readonly observer: BatchObserver;
}

interface Pending {
  /** float32 values, or their little-endian bytes (as the binary extension sends them). */
  readonly input: Float32Array | Uint8Array;
  readonly count: number;
  readonly enqueued: number;
  resolve(outputs: BatchOutputs): void;
  reject(error: unknown): void;
}

/** Timers shorter than this wait on the event loop (setImmediate) instead: setTimeout cannot wait under 1 ms. */
const TIMER_THRESHOLD_MS = 1.5;

export class Batcher {
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  private queuedImages = 0;
  private inFlight = 0;
  private immediate: NodeJS.Immediate | undefined;
  /** Requests submitted so far, and that count when the current event-loop wait began. */
  private arrivals = 0;
  private arrivalsWhenWaiting = -1;
  private timer: NodeJS.Timeout | undefined;
  private readonly buffers: Float32Array[] = [];
  private readonly maxInFlight: number;
  private readonly delayMs: number;
  private idleWaiters: (() => void)[] = [];
  private readonly pumpNow = (): void => {
    this.immediate = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
  };

  constructor(private readonly options: BatcherOptions) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.delayMs = options.policy.maxQueueDelayMicroseconds / 1000;
  }

  /** Queues `count` images; resolves with their rows of the outputs. */
  submit(input: Float32Array | Uint8Array, count: number): Promise<BatchOutputs> {
    return new Promise<BatchOutputs>((resolve, reject) => {
      this.queue.push({ input, count, enqueued: performance.now(), resolve, reject });
      this.queuedImages += count;
      this.arrivals++;
      this.options.observer.enqueued();
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.queueLength() === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private queueLength(): number {
    return this.queue.length - this.queueHead;
  }

  private schedule(): void {
    if (this.immediate === undefined) this.immediate = setImmediate(this.pumpNow);
  }

  private pump(): void {
    const { policy } = this.options;
    while (this.inFlight < this.maxInFlight && this.queueLength() > 0) {
      if (policy.gather && this.delayMs > 0 && this.queuedImages < policy.maxBatchSize) {
        const wait = this.queue[this.queueHead]!.enqueued + this.delayMs - performance.now();
        if (wait >= TIMER_THRESHOLD_MS) {
          this.arrivalsWhenWaiting = -1;
          if (!this.timer) this.timer = setTimeout(this.pumpNow, Math.floor(wait));
          return;
        }
        if (wait > 0 && this.arrivals !== this.arrivalsWhenWaiting) {
          this.arrivalsWhenWaiting = this.arrivals;
          this.schedule();
          return;
        }
      }
      this.arrivalsWhenWaiting = -1;
      this.dispatch();
    }
  }

  private takeBatch(): Pending[] {
    const { policy } = this.options;
    const batch: Pending[] = [this.queue[this.queueHead++]!];
    let images = batch[0]!.count;
    if (policy.gather) {
      while (this.queueHead < this.queue.length && images + this.queue[this.queueHead]!.count <= policy.maxBatchSize) {
        const next = this.queue[this.queueHead++]!;
        batch.push(next);
        images += next.count;
      }
    }
    this.queuedImages -= images;
    if (this.queueHead > 1024 || this.queueHead === this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    return batch;
  }

  /** A buffer for `images` images: a reused one when it fits. */
  private bufferFor(images: number): Float32Array {
    const length = images * this.options.pixelsPerImage;
    const index = this.buffers.findIndex((b) => b.length >= length);
    if (index >= 0) return this.buffers.splice(index, 1)[0]!;
    const { maxBatchSize } = this.options.policy;
    return new Float32Array(Number.isFinite(maxBatchSize) ? Math.max(length, maxBatchSize * this.options.pixelsPerImage) : length);
  }

  private dispatch(): void {
    const batch = this.takeBatch();
    const { pixelsPerImage, classes, observer } = this.options;
    const started = performance.now();
    let images = 0;
    for (const request of batch) {
      images += request.count;
      observer.dispatched((started - request.enqueued) / 1000);
    }
    const only = batch.length === 1 ? batch[0]! : undefined;
    let buffer: Float32Array | undefined;
    let input: Float32Array;
    if (only && only.input instanceof Float32Array) {
      input = only.input;
    } else {
      buffer = this.bufferFor(images);
      input = buffer.length === images * pixelsPerImage ? buffer : buffer.subarray(0, images * pixelsPerImage);
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, images * pixelsPerImage * 4);
      let at = 0;
      for (const request of batch) {
        if (request.input instanceof Float32Array) buffer.set(request.input, at);
        else bytes.set(request.input, at * 4);
        at += request.count * pixelsPerImage;
      }
    }
    this.inFlight++;
    const finish = (returned?: Float32Array): void => {
      this.inFlight--;
      // The batch buffer, or the one a thread gave back in its place (a detached one is dropped).
      const reusable = returned && buffer ? new Float32Array(returned.buffer) : buffer;
      if (reusable && reusable.length > 0) this.buffers.push(reusable);
      observer.settled(batch.length);
      if (this.queueLength() > 0) this.pump();
      else if (this.inFlight === 0) this.notifyIdle();
    };
    this.options.run(input, images).then(
      (outputs) => {
        observer.ran(images, batch.length, (performance.now() - started) / 1000);
        finish(outputs.images);
        let row = 0;
        for (const request of batch) {
          request.resolve({
            logits: outputs.logits.subarray(row * classes, (row + request.count) * classes),
            probabilities: outputs.probabilities.subarray(row * classes, (row + request.count) * classes),
          });
          row += request.count;
        }
      },
      (error: unknown) => {
        finish();
        for (const request of batch) request.reject(error);
      },
    );
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
