/**
 * Dynamic batching: concurrent requests are gathered into ONNX Runtime runs of more than one
 * image (mlpx_inference_batch_size in /metrics, execution_count in Triton's statistics) and never
 * more than --max-batch-size, and each request, whatever its own batch, gets exactly its own
 * rows: the answer it gets alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceServer, type InferenceServer } from '@mlpx/infer/src/index.js';
import { argmax, binaryRequest, concat, decodeResponse, jsonRequest, maxDifference, metricValue, trainedModel, type TrainedModel } from './fixtures.js';

const MAX_BATCH = 8;

let trained: TrainedModel;
let server: InferenceServer;

beforeAll(async () => {
  trained = await trainedModel(12);
  // A queue delay long enough that requests sent together always meet in the queue.
  server = await startInferenceServer({ model: trained.model, modelName: 'fashion', port: 0, maxBatchSize: MAX_BATCH, maxQueueDelayMicroseconds: 50_000 });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await trained?.remove();
});

async function metrics(): Promise<string> {
  return (await fetch(`${server.url}metrics`)).text();
}

const labels = { model: 'fashion', version: '1' };

describe('dynamic batching', () => {
  it('gathers concurrent batch-1 requests into runs of several images, each answered with its own logits', async () => {
    const before = await metrics();
    const requests = 24;
    const answers = await Promise.all(
      Array.from({ length: requests }, async (_, i) => {
        const index = i % trained.images.length;
        const request =
          i % 2 ? binaryRequest(trained.images[index]!, 1, [{ name: 'logits' }]) : jsonRequest(trained.images[index]!, 1, { outputs: [{ name: 'logits' }] });
        const response = await fetch(`${server.url}v2/models/fashion/infer`, request);
        expect(response.status).toBe(200);
        return { index, logits: (await decodeResponse(response)).outputs['logits']!.values as Float32Array };
      }),
    );
    for (const { index, logits } of answers) {
      expect(maxDifference(logits, trained.logits[index]!), `image ${index}`).toBeLessThan(1e-5);
      expect(argmax(logits)).toBe(argmax(trained.logits[index]!));
    }
    const after = await metrics();
    const runs = metricValue(after, 'mlpx_inference_batch_size_count', labels) - metricValue(before, 'mlpx_inference_batch_size_count', labels);
    const images = metricValue(after, 'mlpx_inference_batch_size_sum', labels) - metricValue(before, 'mlpx_inference_batch_size_sum', labels);
    expect(images).toBe(requests);
    expect(runs, `${requests} images in ${runs} runs`).toBeLessThan(requests);
    expect(runs).toBeGreaterThanOrEqual(requests / MAX_BATCH);
    // No run over the maximum: every run is in the bucket le="8".
    expect(metricValue(after, 'mlpx_inference_batch_size_bucket', { ...labels, le: String(MAX_BATCH) })).toBe(
      metricValue(after, 'mlpx_inference_batch_size_count', labels),
    );
    expect(metricValue(after, 'mlpx_inference_queue_seconds_count', labels)).toBeGreaterThanOrEqual(requests);
    expect(metricValue(after, 'mlpx_inference_compute_seconds_count', labels)).toBe(metricValue(after, 'mlpx_inference_batch_size_count', labels));
  });

  it('gives each request of a mixed batch (1, 2, 3 images) exactly its own rows', async () => {
    const sizes = [3, 1, 2, 2, 1, 3];
    let next = 0;
    const jobs = sizes.map((size) => {
      const first = next;
      next = (next + size) % (trained.images.length - 3);
      return { first, size };
    });
    const stats = async () =>
      ((await (await fetch(`${server.url}v2/models/fashion/stats`)).json()) as { model_stats: { inference_count: number; execution_count: number }[] })
        .model_stats[0]!;
    const before = await stats();
    await Promise.all(
      jobs.map(async ({ first, size }) => {
        const images = concat(trained.images.slice(first, first + size));
        const decoded = await decodeResponse(await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(images, size)));
        expect(decoded.json.outputs.map((o) => o.shape)).toEqual([
          [size, 10],
          [size, 10],
        ]);
        const logits = decoded.outputs['logits']!.values as Float32Array;
        for (let i = 0; i < size; i++)
          expect(maxDifference(logits.subarray(i * 10, i * 10 + 10), trained.logits[first + i]!), `image ${first + i}`).toBeLessThan(1e-5);
      }),
    );
    const after = await stats();
    expect(after.inference_count - before.inference_count).toBe(12);
    expect(after.execution_count - before.execution_count).toBeLessThan(sizes.length);
  });

  it('waits no longer than the queue delay for a request alone', async () => {
    const started = performance.now();
    const response = await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(trained.images[0]!, 1));
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    expect(performance.now() - started).toBeLessThan(2_000);
    const text = await metrics();
    expect(metricValue(text, 'mlpx_inference_pending_requests', labels)).toBe(0);
  });
});
