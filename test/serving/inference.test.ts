/**
 * `mlpx serve`'s Open Inference Protocol on one .onnx file, over real HTTP on 127.0.0.1: JSON
 * tensors (flat and nested) and Triton's binary tensor data give onnxruntime-node's logits
 * (within 1e-5, top-1 identical), the classification extension gives Triton's strings with the
 * model's labels, outputs are selected and returned as asked, ids come back, compressed bodies
 * work both ways, and the metadata, health and statistics endpoints say what Triton's do.
 */
import { gunzipSync, gzipSync, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceServer, type InferenceServer } from '@mlpx/infer/src/index.js';
import { formatFixed6 } from '@mlpx/infer/src/serving/classification.js';
import { argmax, binaryRequest, concat, decodeResponse, jsonRequest, maxDifference, trainedModel, type TrainedModel } from './fixtures.js';

let trained: TrainedModel;
let server: InferenceServer;
let infer: string;

beforeAll(async () => {
  trained = await trainedModel(6);
  server = await startInferenceServer({ model: trained.model, modelName: 'fashion', port: 0 });
  infer = `${server.url}v2/models/fashion/infer`;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await trained?.remove();
});

function expectLogits(actual: Float32Array, first: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const row = actual.subarray(i * 10, (i + 1) * 10);
    const expected = trained.logits[first + i]!;
    expect(maxDifference(row, expected), `logits of image ${first + i}`).toBeLessThan(1e-5);
    expect(argmax(row), `top-1 of image ${first + i}`).toBe(argmax(expected));
  }
}

/** Triton's classification strings for one row, worked out here from onnxruntime-node's values. */
function expectedClasses(values: Float32Array, k: number, labels: readonly string[] | undefined): string[] {
  const order = [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, k).map((i) => `${formatFixed6(values[i]!)}:${i}${labels ? `:${labels[i]}` : ''}`);
}

describe('inference', () => {
  it('answers JSON tensors, flat and nested, with the logits and probabilities of onnxruntime-node', async () => {
    const images = concat(trained.images.slice(0, 3));
    for (const nested of [false, true]) {
      const response = await fetch(infer, jsonRequest(images, 3, { nested }));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('inference-header-content-length')).toBeNull();
      const decoded = await decodeResponse(response);
      expect(decoded.json.model_name).toBe('fashion');
      expect(decoded.json.model_version).toBe('1');
      expect(decoded.json.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
        ['logits', 'FP32', [3, 10]],
        ['probabilities', 'FP32', [3, 10]],
      ]);
      expectLogits(decoded.outputs['logits']!.values as Float32Array, 0, 3);
      const probabilities = decoded.outputs['probabilities']!.values as Float32Array;
      for (let i = 0; i < 3; i++) expect(maxDifference(probabilities.subarray(i * 10, i * 10 + 10), trained.probabilities[i]!)).toBeLessThan(1e-6);
    }
  });

  it('answers binary tensor data with binary outputs, in the order asked', async () => {
    const images = concat(trained.images.slice(2, 6));
    const response = await fetch(infer, binaryRequest(images, 4, [{ name: 'probabilities' }, { name: 'logits' }]));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const decoded = await decodeResponse(response);
    expect(decoded.json.outputs.map((o) => [o.name, o.parameters?.binary_data_size])).toEqual([
      ['probabilities', 160],
      ['logits', 160],
    ]);
    expectLogits(decoded.outputs['logits']!.values as Float32Array, 2, 4);
  });

  it('answers each of many requests with the same binary header with its own images', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < trained.images.length; i++) {
        const decoded = await decodeResponse(await fetch(infer, binaryRequest(trained.images[i]!, 1, [{ name: 'logits' }])));
        expectLogits(decoded.outputs['logits']!.values as Float32Array, i, 1);
      }
    }
  });

  it('returns only the outputs asked for, each as JSON or binary as asked, and all as binary with binary_data_output', async () => {
    const image = trained.images[1]!;
    const one = await decodeResponse(await fetch(infer, binaryRequest(image, 1, [{ name: 'logits', binary: false }])));
    expect(Object.keys(one.outputs)).toEqual(['logits']);
    expect(one.outputs['logits']!.binary).toBe(false);
    expectLogits(one.outputs['logits']!.values as Float32Array, 1, 1);

    const mixed = await decodeResponse(
      await fetch(
        infer,
        jsonRequest(image, 1, {
          outputs: [
            { name: 'logits', binary: true },
            { name: 'probabilities', binary: false },
          ],
        }),
      ),
    );
    expect([mixed.outputs['logits']!.binary, mixed.outputs['probabilities']!.binary]).toEqual([true, false]);
    expectLogits(mixed.outputs['logits']!.values as Float32Array, 1, 1);

    const all = await decodeResponse(await fetch(infer, jsonRequest(image, 1, { parameters: { binary_data_output: true } })));
    expect(Object.values(all.outputs).map((o) => o.binary)).toEqual([true, true]);
  });

  it('gives the classification extension as Triton does: "value:index:label", top K per image, on either output', async () => {
    const images = concat(trained.images.slice(0, 2));
    for (const binary of [false, true]) {
      const decoded = await decodeResponse(
        await fetch(
          infer,
          jsonRequest(images, 2, {
            outputs: [
              { name: 'probabilities', classification: 3, binary },
              { name: 'logits', classification: 2, binary },
            ],
          }),
        ),
      );
      const probabilities = decoded.outputs['probabilities']!;
      expect([probabilities.datatype, probabilities.shape, probabilities.binary]).toEqual(['BYTES', [2, 3], binary]);
      const logits = decoded.outputs['logits']!;
      expect([logits.datatype, logits.shape]).toEqual(['BYTES', [2, 2]]);
      for (let i = 0; i < 2; i++) {
        const strings = (probabilities.values as string[]).slice(i * 3, i * 3 + 3);
        expect(strings).toEqual(expectedClasses(trained.probabilities[i]!, 3, trained.labels));
        expect(strings[0]).toMatch(/^\d\.\d{6}:\d+:.+$/);
        expect(strings[0]!.split(':')[2]).toBe(trained.labels[argmax(trained.probabilities[i]!)]);
        // A single .onnx file has no config.pbtxt: both outputs carry the model's labels.
        expect((logits.values as string[]).slice(i * 2, i * 2 + 2)).toEqual(expectedClasses(trained.logits[i]!, 2, trained.labels));
      }
    }
    // More classes than the model has: all of them.
    const all = await decodeResponse(await fetch(infer, jsonRequest(trained.images[0]!, 1, { outputs: [{ name: 'probabilities', classification: 50 }] })));
    expect(all.outputs['probabilities']!.shape).toEqual([1, 10]);
  });

  it('returns the request id, and no id when none was given', async () => {
    const withId = await decodeResponse(await fetch(infer, jsonRequest(trained.images[0]!, 1, { id: 'request-42' })));
    expect(withId.json.id).toBe('request-42');
    const without = await decodeResponse(await fetch(infer, jsonRequest(trained.images[0]!, 1)));
    expect('id' in without.json).toBe(false);
  });

  it("takes gzip and deflate bodies and compresses the answer when asked (tritonclient's compression options)", async () => {
    const request = binaryRequest(trained.images[3]!, 1, [{ name: 'logits' }]);
    for (const [encoding, pack] of [
      ['gzip', gzipSync],
      ['deflate', deflateSync],
    ] as const) {
      const response = await fetch(infer, {
        ...request,
        body: pack(request.body as Buffer),
        headers: { ...(request.headers as Record<string, string>), 'content-encoding': encoding },
      });
      expect(response.status).toBe(200);
      expectLogits((await decodeResponse(response)).outputs['logits']!.values as Float32Array, 3, 1);
    }
    // fetch would undo the compression itself; a raw look at the bytes instead.
    const { request: httpRequest } = await import('node:http');
    const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = httpRequest(infer, { method: 'POST', headers: { ...(request.headers as Record<string, string>), 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(request.body as Buffer);
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    const body = gunzipSync(raw.body);
    const length = Number(raw.headers['inference-header-content-length']);
    const logits = new Float32Array(new Uint8Array(body.subarray(length)).buffer);
    expectLogits(logits, 3, 1);
  });
});

describe('sessions on the server thread', () => {
  it('answers the same with sessionThreads false (onnxruntime-node on the HTTP thread)', async () => {
    const local = await startInferenceServer({ model: trained.model, modelName: 'fashion', port: 0, sessionThreads: false });
    try {
      const images = concat(trained.images.slice(0, 2));
      const decoded = await decodeResponse(await fetch(`${local.url}v2/models/fashion/infer`, binaryRequest(images, 2, [{ name: 'logits' }])));
      expectLogits(decoded.outputs['logits']!.values as Float32Array, 0, 2);
    } finally {
      await local.close();
    }
  });
});

describe('metadata and health', () => {
  it('describes the server, with its extensions', async () => {
    const response = await fetch(`${server.url}v2`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { name: string; version: string; extensions: string[] };
    expect(body.name).toBe('mlpx');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.extensions).toEqual(expect.arrayContaining(['binary_tensor_data', 'classification']));
  });

  it('describes the model as Triton does: platform onnxruntime_onnx, FP32 tensors with -1 for the batch', async () => {
    const expected = {
      name: 'fashion',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'images', datatype: 'FP32', shape: [-1, 28, 28, 1] }],
      outputs: [
        { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 10] },
      ],
    };
    expect(await (await fetch(`${server.url}v2/models/fashion`)).json()).toEqual(expected);
    expect(await (await fetch(`${server.url}v2/models/fashion/versions/1`)).json()).toEqual(expected);
  });

  it('says it is live and ready, and the model ready', async () => {
    for (const [path, body] of [
      ['v2/health/live', { live: true }],
      ['v2/health/ready', { ready: true }],
      ['v2/models/fashion/ready', { name: 'fashion', ready: true }],
      ['v2/models/fashion/versions/1/ready', { name: 'fashion', ready: true }],
    ] as const) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual(body);
    }
  });

  it("gives the model's configuration and Triton's statistics (images inferred, runs)", async () => {
    const config = (await (await fetch(`${server.url}v2/models/fashion/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      name: 'fashion',
      platform: 'onnxruntime_onnx',
      max_batch_size: 32,
      input: [{ name: 'images', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
    });
    const stats = (await (await fetch(`${server.url}v2/models/fashion/stats`)).json()) as {
      model_stats: { name: string; version: string; inference_count: number; execution_count: number }[];
    };
    expect(stats.model_stats).toHaveLength(1);
    expect(stats.model_stats[0]).toMatchObject({ name: 'fashion', version: '1' });
    expect(stats.model_stats[0]!.inference_count).toBeGreaterThan(0);
    expect(stats.model_stats[0]!.execution_count).toBeGreaterThan(0);
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${server.url}metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    for (const name of [
      'mlpx_inference_requests_total',
      'mlpx_inference_batch_size_bucket',
      'mlpx_inference_queue_seconds_bucket',
      'mlpx_inference_compute_seconds_bucket',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/mlpx_inference_requests_total\{model="fashion",version="1",status="200"\} [1-9]/);
  });
});
