/**
 * Every request `mlpx serve` refuses gets its status (404 unknown model or version, 400 a wrong
 * input name, shape, data type, byte count or malformed JSON, 413 a body over --max-body-bytes,
 * 405 a wrong method, ...) and the protocol's error object with one line that names the field and
 * the problem, never a stack trace; and the very next good request on the same server is
 * answered.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceServer, type InferenceServer } from '@mlpx/infer/src/index.js';
import { binaryRequest, decodeResponse, jsonRequest, maxDifference, PIXELS, trainedModel, type TrainedModel } from './fixtures.js';

const MAX_BODY = 64 * 1024;
const MAX_BATCH = 4;

let trained: TrainedModel;
let server: InferenceServer;

beforeAll(async () => {
  trained = await trainedModel(2);
  server = await startInferenceServer({ model: trained.model, modelName: 'fashion', port: 0, maxBodyBytes: MAX_BODY, maxBatchSize: MAX_BATCH });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await trained?.remove();
});

const image = (): Float32Array => trained.images[0]!;

function json(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

function input(overrides: Record<string, unknown>): unknown {
  return { inputs: [{ name: 'images', shape: [1, 28, 28, 1], datatype: 'FP32', data: Array.from(image()), ...overrides }] };
}

/** A binary request whose JSON says `size` bytes and whose body carries `bytes` bytes after it. */
function binary(size: number, bytes: number, headerLength?: string): RequestInit {
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'images', shape: [1, 28, 28, 1], datatype: 'FP32', parameters: { binary_data_size: size } }] }));
  return {
    method: 'POST',
    body: Buffer.concat([header, Buffer.alloc(bytes)]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength ?? String(header.length) },
  };
}

const CASES: readonly { what: string; path?: string; init: () => RequestInit; status: number; message: RegExp }[] = [
  { what: 'an unknown model', path: 'v2/models/nope/infer', init: () => jsonRequest(image(), 1), status: 404, message: /unknown model: 'nope' is not found/ },
  {
    what: 'an unknown version',
    path: 'v2/models/fashion/versions/7/infer',
    init: () => jsonRequest(image(), 1),
    status: 404,
    message: /'fashion' version 7 is not found \(served versions: 1\)/,
  },
  {
    what: 'a version that is not a number',
    path: 'v2/models/fashion/versions/latest/infer',
    init: () => jsonRequest(image(), 1),
    status: 400,
    message: /model version in the path must be a whole number > 0, got 'latest'/,
  },
  { what: 'metadata of an unknown model', path: 'v2/models/nope', init: () => ({}), status: 404, message: /unknown model: 'nope'/ },
  {
    what: 'a wrong input name',
    init: () => json(input({ name: 'pixels' })),
    status: 400,
    message: /unexpected inference input 'pixels' for model 'fashion' \(inputs\[0\]\.name\): its input is 'images'/,
  },
  {
    what: 'a wrong shape',
    init: () => json(input({ shape: [1, 28, 28] })),
    status: 400,
    message: /unexpected shape for input 'images' for model 'fashion'\. Expected \[-1,28,28,1\], got \[1,28,28\] \(inputs\[0\]\.shape\)/,
  },
  {
    what: 'a shape that is not numbers',
    init: () => json(input({ shape: [1, 28, '28', 1] })),
    status: 400,
    message: /inputs\[0\]\.shape must be an array of whole numbers >= 0/,
  },
  {
    what: 'a wrong data type',
    init: () => json(input({ datatype: 'INT32' })),
    status: 400,
    message: /inference input 'images' data-type is 'INT32', but model 'fashion' expects 'FP32' \(inputs\[0\]\.datatype\)/,
  },
  {
    what: 'too few values',
    init: () => json(input({ data: Array.from(image()).slice(1) })),
    status: 400,
    message: /input 'images': data has 783 values, but shape \[1,28,28,1\] holds 784/,
  },
  {
    what: 'a value that is not a number',
    init: () => json(input({ data: ['a', ...Array.from(image()).slice(1)] })),
    status: 400,
    message: /input 'images': data\[0\] is "a", not a number/,
  },
  {
    what: 'no data at all',
    init: () => json(input({ data: undefined })),
    status: 400,
    message: /input 'images' must set only one of 'data' and 'binary_data_size' in 'parameters', but set neither/,
  },
  {
    what: 'a batch over --max-batch-size',
    init: () => jsonRequest(new Float32Array(5 * PIXELS), 5),
    status: 400,
    message: /batch-size must be <= 4 for 'fashion' \(inputs\[0\]\.shape\[0\] is 5\)/,
  },
  {
    what: 'an unknown output',
    init: () => json({ ...(input({}) as object), outputs: [{ name: 'scores' }] }),
    status: 400,
    message: /unexpected inference output 'scores' for model 'fashion' \(outputs\[0\]\.name\)/,
  },
  {
    what: 'a bad classification count',
    init: () => json({ ...(input({}) as object), outputs: [{ name: 'logits', parameters: { classification: -1 } }] }),
    status: 400,
    message: /output 'logits': parameters\.classification must be a whole number of classes >= 0, got -1/,
  },
  { what: 'no inputs', init: () => json({ inputs: [] }), status: 400, message: /expected 1 inputs but got 0 inputs for model 'fashion'/ },
  { what: 'a body that is not an object', init: () => json([1, 2]), status: 400, message: /the request body must be a JSON object with "inputs"/ },
  { what: 'malformed JSON', init: () => json('{"inputs": [{"name": "images",'), status: 400, message: /the request's JSON is malformed: / },
  {
    what: 'a binary byte count that does not fit the shape',
    init: () => binary(100, 100),
    status: 400,
    message: /input byte size mismatch for input 'images' for model 'fashion'\. Expected 3136, got 100/,
  },
  {
    what: 'binary data shorter than binary_data_size',
    init: () => binary(3136, 3000),
    status: 400,
    message: /unexpected size for input 'images', expecting 136 additional bytes for model 'fashion'/,
  },
  {
    what: 'binary data longer than binary_data_size',
    init: () => binary(3136, 3200),
    status: 400,
    message: /unexpected additional input data for model 'fashion': 64 bytes after the JSON/,
  },
  {
    what: 'an Inference-Header-Content-Length larger than the body',
    init: () => binary(3136, 3136, '99999'),
    status: 400,
    message: /Inference-Header-Content-Length \(99999\) is larger than the request body \(\d+ bytes\)/,
  },
  {
    what: 'an Inference-Header-Content-Length that is not a number',
    init: () => binary(3136, 3136, 'ten'),
    status: 400,
    message: /Inference-Header-Content-Length must be the JSON's length in bytes, got 'ten'/,
  },
  {
    what: 'binary data without Inference-Header-Content-Length',
    init: () => ({ ...binary(3136, 3136), headers: { 'content-type': 'application/octet-stream' } }),
    status: 400,
    message: /malformed: .*after JSON.*needs the Inference-Header-Content-Length header/,
  },
  {
    what: 'a body over --max-body-bytes',
    init: () => json(input({ data: Array.from({ length: 40_000 }, () => 123.456) })),
    status: 413,
    message: /the request body is \d+ bytes, over the limit of 65536 bytes \(mlpx serve --max-body-bytes\)/,
  },
  {
    what: 'an unsupported Content-Encoding',
    init: () => ({ ...jsonRequest(image(), 1), headers: { 'content-type': 'application/json', 'content-encoding': 'br' } }),
    status: 415,
    message: /Content-Encoding 'br' is not supported/,
  },
  {
    what: 'a gzip body that is not gzip',
    init: () => ({ ...jsonRequest(image(), 1), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
    status: 400,
    message: /not valid gzip data/,
  },
  { what: 'GET on infer', init: () => ({ method: 'GET' }), status: 405, message: /GET is not allowed on \/v2\/models\/fashion\/infer: use POST/ },
  {
    what: 'POST on model metadata',
    path: 'v2/models/fashion',
    init: () => jsonRequest(image(), 1),
    status: 405,
    message: /POST is not allowed on \/v2\/models\/fashion: use GET/,
  },
  { what: 'a path the protocol does not have', path: 'v2/modelz', init: () => ({}), status: 404, message: /Not Found: \/v2\/modelz/ },
];

describe('bad requests', () => {
  it.each(CASES)('refuses $what with $status and says why, then answers a good request', async ({ path, init, status, message }) => {
    const response = await fetch(`${server.url}${path ?? 'v2/models/fashion/infer'}`, init());
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    const text = await response.text();
    const body = JSON.parse(text) as { error: string };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toMatch(message);
    expect(body.error).not.toMatch(/\n|\s+at \S+ \(/);
    if (status === 405) expect(response.headers.get('allow')).toBeTruthy();

    const good = await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(image(), 1, [{ name: 'logits' }]));
    expect(good.status).toBe(200);
    expect(maxDifference((await decodeResponse(good)).outputs['logits']!.values as Float32Array, trained.logits[0]!)).toBeLessThan(1e-5);
  });

  it('answers a request with a body over the limit by its Content-Length before it is sent (Expect: 100-continue)', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}v2/models/fashion/infer`,
        { method: 'POST', headers: { expect: '100-continue', 'content-length': String(10 * MAX_BODY) } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('continue', () => reject(new Error('the server asked for the body')));
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatch(/655360 bytes, over the limit of 65536 bytes/);
  });

  it('answers malformed HTTP and oversized headers with one line of JSON, and survives a client gone mid-body', async () => {
    const { port } = new URL(server.url);
    const raw = (bytes: string, end = true): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => (end ? socket.end(bytes) : socket.write(bytes)));
        let answer = '';
        socket.on('data', (d: Buffer) => (answer += d.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
        if (!end) setTimeout(() => socket.destroy(), 100);
      });
    const malformed = await raw('GARBAGE / HTTP/1.1\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(malformed.slice(malformed.indexOf('\r\n\r\n') + 4)).error).toMatch(/^malformed HTTP request: /);
    const huge = await raw(`GET /v2 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    // Half a body, then the client is gone.
    expect(await raw('POST /v2/models/fashion/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"inputs": [', false)).toBe('');
    const good = await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(image(), 1, [{ name: 'logits' }]));
    expect(good.status).toBe(200);
  });

  it('counts the refusals in /metrics by status, and keeps serving', async () => {
    const text = await (await fetch(`${server.url}metrics`)).text();
    expect(text).toMatch(/mlpx_inference_failures_total\{model="fashion",version="1",status="400"\} [1-9]/);
    expect(text).toMatch(/mlpx_inference_failures_total\{model="",version="",status="404"\} [1-9]/);
    expect(text).toMatch(/mlpx_inference_failures_total\{model="fashion",version="1",status="413"\} 1/);
    expect((await fetch(`${server.url}v2/health/live`)).status).toBe(200);
  });
});
