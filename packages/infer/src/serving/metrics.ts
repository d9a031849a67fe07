/**
 * The Prometheus metrics of `mlpx serve` (GET /metrics), in a registry of their own:
 *
 *   mlpx_inference_requests_total{model,version,status}   inference requests answered, by HTTP status
 *   mlpx_inference_failures_total{model,version,status}   those answered with an error (status >= 400)
 *   mlpx_inference_images_total{model,version}            images classified
 *   mlpx_inference_pending_requests{model,version}        requests waiting in the queue or running now
 *   mlpx_inference_batch_size{model,version}              images per ONNX Runtime run (histogram)
 *   mlpx_inference_queue_seconds{model,version}           a request's wait before its run starts (histogram)
 *   mlpx_inference_compute_seconds{model,version}         one ONNX Runtime run (histogram)
 *
 * A request for a model or version that is not served is counted with model="" and version="",
 * so that clients cannot grow the label sets. Each label set's child is looked up once and kept,
 * so counting costs no label hashing per request.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BatchObserver } from './batcher.js';

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const SECONDS_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface ServerMetrics {
  readonly registry: Registry;
  /** The batcher's observer for one model version, bound to its labels. */
  forVersion(model: string, version: string): BatchObserver;
  countRequest(model: string, version: string, status: number): void;
  /** The exposition text and its content type. */
  render(): Promise<{ text: string; contentType: string }>;
}

/** The metrics, registered in `registry`. */
function createInstruments(registry: Registry) {
  const labelNames = ['model', 'version'] as const;
  return {
    requests: new Counter({
      name: 'mlpx_inference_requests_total',
      help: 'Inference requests answered, by HTTP status.',
      labelNames: [...labelNames, 'status'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'mlpx_inference_failures_total',
      help: 'Inference requests answered with an error (HTTP status >= 400).',
      labelNames: [...labelNames, 'status'],
      registers: [registry],
    }),
    images: new Counter({ name: 'mlpx_inference_images_total', help: 'Images classified.', labelNames, registers: [registry] }),
    pending: new Gauge({
      name: 'mlpx_inference_pending_requests',
      help: 'Inference requests waiting in the batching queue or running now.',
      labelNames,
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'mlpx_inference_batch_size',
      help: 'Images in one ONNX Runtime run.',
      labelNames,
      buckets: BATCH_BUCKETS,
      registers: [registry],
    }),
    queueSeconds: new Histogram({
      name: 'mlpx_inference_queue_seconds',
      help: "A request's wait in the batching queue before its run starts, in seconds.",
      labelNames,
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
    computeSeconds: new Histogram({
      name: 'mlpx_inference_compute_seconds',
      help: 'One ONNX Runtime run, in seconds.',
      labelNames,
      buckets: SECONDS_BUCKETS,
      registers: [registry],
    }),
  };
}

type Instruments = ReturnType<typeof createInstruments>;

/** ServerMetrics.countRequest over `instruments`, each label set's children looked up once. */
function requestCounter({ requests, failures }: Instruments): ServerMetrics['countRequest'] {
  const children = new Map<string, { inc(): void }>();
  return (model, version, status) => {
    const key = `${model}\u0000${version}\u0000${status}`;
    let child = children.get(key);
    if (!child) {
      const labels = { model, version, status: String(status) };
      const request = requests.labels(labels);
      const failure = status >= 400 ? failures.labels(labels) : undefined;
      child = {
        inc: () => {
          request.inc();
          failure?.inc();
        },
      };
      children.set(key, child);
    }
    child.inc();
  };
}

/** One version's batch observer, bound to its labels (its pending gauge starts at 0). */
function versionObserver(instruments: Instruments, model: string, version: string): BatchObserver {
  const labels = { model, version };
  const imageCount = instruments.images.labels(labels);
  const batches = instruments.batchSize.labels(labels);
  const compute = instruments.computeSeconds.labels(labels);
  const queue = instruments.queueSeconds.labels(labels);
  const waiting = instruments.pending.labels(labels);
  waiting.set(0);
  return {
    enqueued: () => waiting.inc(),
    dispatched: (seconds) => queue.observe(seconds),
    ran: (count, _requests, seconds) => {
      imageCount.inc(count);
      batches.observe(count);
      compute.observe(seconds);
    },
    settled: (requests) => waiting.dec(requests),
  };
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  const instruments = createInstruments(registry);
  const versionObservers = new Map<string, BatchObserver>();
  const forVersion = (model: string, version: string): BatchObserver => {
    const key = `${model}\u0000${version}`;
    let found = versionObservers.get(key);
    if (!found) {
      found = versionObserver(instruments, model, version);
      versionObservers.set(key, found);
    }
    return found;
  };
  return {
    registry,
    forVersion,
    countRequest: requestCounter(instruments),
    render: async () => ({ text: await registry.metrics(), contentType: registry.contentType }),
  };
}
