/**
 * The Triton repository `mlpx export --triton` writes, served unchanged by a real tritonserver
 * (2.51.0, Triton's ONNX Runtime backend) and by `mlpx serve`, and queried with Triton's own Python
 * client (tritonclient 2.73, test/tools/triton/oip_client.py): one suite over both servers. Each
 * answer is checked against onnxruntime-node's (createClassifier on the same model.onnx): top-1
 * identical, logits within 1e-5 of the largest. Then the bad requests, each against both servers,
 * and a good request after them.
 *
 * Needs Triton (test/helpers/triton.ts): skipped with one line when it is missing, failing instead
 * under MLPX_REQUIRE_TRITON=1 (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryInferRequest } from '../../scripts/bench/serve-load.mjs';
import { binaryRequest, decodeResponse, jsonRequest } from '../serving/fixtures.js';
import { expectClose } from '../helpers/closeness.js';
import {
  BATCHING_SUFFIX,
  describeWithTriton,
  runOipClient,
  servedModel,
  startMlpxServe,
  startTriton,
  tritonInstall,
  type ClientError,
  type ClientReport,
  type RunningServer,
  type ServedModel,
} from '../helpers/triton.js';

const SERVERS = ['tritonserver', 'mlpx serve'] as const;
type ServerName = (typeof SERVERS)[number];

let model: ServedModel;
const servers: Partial<Record<ServerName, RunningServer>> = {};
const server = (name: ServerName): RunningServer => {
  const found = servers[name];
  if (!found) throw new Error(`${name} did not start`);
  return found;
};

/** A section's result, or the test fails with the client's error. */
function ok<T>(value: T | ClientError | undefined, what: string): T {
  expect(value, `${what}: not run`).toBeDefined();
  if (value && typeof value === 'object' && 'error' in value) expect.fail(`${what}: ${value.error}\n${value.trace ?? ''}`);
  return value as T;
}

const argmaxRows = (values: ArrayLike<number>, classes: number): number[] =>
  Array.from({ length: values.length / classes }, (_, row) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[row * classes + c]! > values[row * classes + best]!) best = c;
    return best;
  });

describeWithTriton('the repository mlpx export --triton writes, served by tritonserver and by mlpx serve', () => {
  beforeAll(async () => {
    tritonInstall();
    model = await servedModel(8, { batching: true });
    servers.tritonserver = await startTriton(model.repository);
    servers['mlpx serve'] = await startMlpxServe(model.repository);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((running) => running?.stop()));
    await model?.remove();
  }, 60_000);

  it("loads READY in tritonserver's ONNX Runtime backend, as written", async () => {
    const { url } = server('tritonserver');
    expect((await fetch(`${url}/v2/models/${model.modelName}/ready`)).status).toBe(200);
    const config = (await (await fetch(`${url}/v2/models/${model.modelName}/config`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({ name: model.modelName, backend: 'onnxruntime', platform: 'onnxruntime_onnx' });
    expect(server('tritonserver').output()).toContain(`successfully loaded '${model.modelName}'`);
    // Loaded from the repository's own config.pbtxt, not one Triton completed from the model.
    expect(server('tritonserver').output()).toContain(`skipping model configuration auto-complete for '${model.modelName}'`);
  });

  describe.each(SERVERS)('tritonclient against %s', (name) => {
    let report: Partial<ClientReport>;
    beforeAll(async () => {
      report = await runOipClient(tritonInstall(), {
        url: server(name).url,
        model: model.modelName,
        imagesFile: model.imagesFile,
        shape: model.shape,
        classCount: 3,
        sections: ['health', 'server_metadata', 'model_metadata', 'json', 'binary', 'classification', 'async_infer'],
      });
    }, 120_000);

    it('health: live, ready, the model ready', () => {
      expect(ok(report.health, 'health')).toEqual({ live: true, ready: true, model_ready: true });
    });

    it("metadata: the server's extensions; the model's input and outputs, batch dimension -1", () => {
      const serverMetadata = ok(report.server_metadata, 'server metadata');
      expect(serverMetadata.extensions).toEqual(expect.arrayContaining(['binary_tensor_data', 'classification']));
      const [, height, width, channels] = model.shape;
      const classes = model.labels.length;
      const metadata = ok(report.model_metadata, 'model metadata');
      expect(metadata.name).toBe(model.modelName);
      expect(metadata.inputs).toEqual([{ name: 'images', datatype: 'FP32', shape: [-1, height, width, channels] }]);
      expect(metadata.outputs).toEqual([
        { name: 'logits', datatype: 'FP32', shape: [-1, classes] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, classes] },
      ]);
    });

    for (const encoding of ['json', 'binary'] as const) {
      it(`${encoding === 'json' ? 'JSON tensors' : 'the binary-data extension'}: onnxruntime-node's answers for a batch of 8`, () => {
        const answer = ok(report[encoding], encoding);
        const classes = model.labels.length;
        expect(answer.model_name).toBe(model.modelName);
        expect(answer.outputs.map(({ name: output, datatype, shape }) => ({ output, datatype, shape }))).toEqual([
          { output: 'logits', datatype: 'FP32', shape: [model.shape[0], classes] },
          { output: 'probabilities', datatype: 'FP32', shape: [model.shape[0], classes] },
        ]);
        const logits = answer.logits.flat();
        const probabilities = answer.probabilities.flat();
        expect(argmaxRows(logits, classes)).toEqual(argmaxRows(model.expected.logits, classes));
        const difference = expectClose(logits, model.expected.logits, { relative: 1e-5, what: `${name} ${encoding} logits` });
        expectClose(probabilities, model.expected.probabilities, { relative: 1e-5, what: `${name} ${encoding} probabilities` });
        console.log(
          `${name}, ${encoding}: largest logit difference from onnxruntime-node ${difference.difference.toExponential(2)} (logits up to ${difference.scale.toFixed(2)})`,
        );
      });
    }

    it("classification (class_count=3): the top 3 in order, as value:index:label with the model's labels on probabilities", () => {
      const answer = ok(report.classification, 'classification');
      const classes = model.labels.length;
      for (const output of ['logits', 'probabilities'] as const) {
        const expected = model.expected[output];
        answer[output].forEach((row, i) => {
          const values = Array.from(expected.subarray(i * classes, (i + 1) * classes));
          const top = values
            .map((value, index) => ({ value, index }))
            .sort((a, b) => b.value - a.value)
            .slice(0, 3);
          expect(row, `${output} row ${i}`).toHaveLength(3);
          row.forEach((entry, k) => {
            const [value, index, ...label] = entry.split(':');
            expect(Number(index), `${output} row ${i}: ${entry}`).toBe(top[k]!.index);
            expect(Math.abs(Number(value) - top[k]!.value), `${output} row ${i}: ${entry}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(top[k]!.value)));
            // config.pbtxt names labels.txt on probabilities only, so logits' entries carry none (as in Triton).
            if (output === 'probabilities') expect(label.join(':'), `${output} row ${i}: ${entry}`).toBe(model.labels[top[k]!.index]);
            else expect(label, `${output} row ${i}: ${entry}`).toEqual([]);
          });
        });
      }
    });

    it("async_infer: each image's answer alone", () => {
      const answer = ok(report.async_infer, 'async_infer');
      answer.logits.forEach((logits, i) => expectClose(logits, model.expectedAlone[i]!, { relative: 1e-5, what: `${name} async_infer ${i}` }));
    });

    it('32 requests at once: each answered as alone, and run in batches larger than one', async () => {
      // The same model, exported again with a 5 ms queue delay (servedModel's `batching`).
      const batchingModel = `${model.modelName}${BATCHING_SUFFIX}`;
      const metricsBefore = name === 'mlpx serve' ? await mlpxBatchMetrics(server(name).url, batchingModel) : undefined;
      const concurrent = ok(
        (
          await runOipClient(tritonInstall(), {
            url: server(name).url,
            model: batchingModel,
            imagesFile: model.imagesFile,
            shape: model.shape,
            concurrent: 32,
            sections: ['concurrent'],
          })
        ).concurrent,
        'concurrent',
      );
      expect(concurrent.requests).toBe(32);
      concurrent.logits.forEach((logits, i) => {
        const alone = model.expectedAlone[i % model.shape[0]]!;
        expect(argmaxRows(logits, logits.length)).toEqual(argmaxRows(alone, alone.length));
        expectClose(logits, alone, { relative: 1e-5, what: `${name} concurrent request ${i}` });
      });
      // Triton's statistics extension (/v2/models/NAME/stats), which mlpx serve has too.
      const statistics = ok(concurrent.statistics, 'statistics');
      const counted = { images: statistics.inference_count, runs: statistics.execution_count };
      if (name === 'mlpx serve') {
        // ... and its /metrics counts the same: images classified and ONNX Runtime runs.
        const after = await mlpxBatchMetrics(server(name).url, batchingModel);
        expect({ images: after.images - metricsBefore!.images, runs: after.runs - metricsBefore!.runs }).toEqual(counted);
      }
      console.log(`${name}: 32 concurrent batch-1 requests ran as ${counted.runs} model executions of ${counted.images} images`);
      expect(counted.images).toBe(32);
      expect(counted.runs).toBeLessThan(counted.images);
    });
  });

  // test/serving/'s own client (request builders and a response reader), held to real Triton too.
  describe.each(SERVERS)("the serving tests' client (test/serving/fixtures.ts) against %s", (name) => {
    const classes = (): number => model.labels.length;
    const infer = (init: RequestInit): Promise<Response> => fetch(`${server(name).url}/v2/models/${model.modelName}/infer`, init);

    it.each([
      ['flat JSON', () => jsonRequest(model.images, model.shape[0])],
      ['nested JSON', () => jsonRequest(model.images, model.shape[0], { nested: true })],
      ['binary in, binary out', () => binaryRequest(model.images, model.shape[0], [{ name: 'logits' }, { name: 'probabilities' }])],
      [
        'binary in, JSON out',
        () =>
          binaryRequest(model.images, model.shape[0], [
            { name: 'logits', binary: false },
            { name: 'probabilities', binary: false },
          ]),
      ],
    ] as const)("%s: onnxruntime-node's logits and probabilities", async (_, request) => {
      const decoded = await decodeResponse(await infer(request()));
      expect(decoded.status, JSON.stringify(decoded.json)).toBe(200);
      for (const output of ['logits', 'probabilities'] as const) {
        const got = decoded.outputs[output];
        expect(got?.shape).toEqual([model.shape[0], classes()]);
        expectClose(got!.values as Float32Array, model.expected[output], { relative: 1e-5, what: `${name} ${output}` });
      }
    });

    it('classification as binary BYTES: the strings tritonclient reads', async () => {
      const decoded = await decodeResponse(await infer(binaryRequest(model.images, model.shape[0], [{ name: 'probabilities', classification: 2 }])));
      expect(decoded.status, JSON.stringify(decoded.json)).toBe(200);
      const strings = decoded.outputs.probabilities!.values as string[];
      expect(decoded.outputs.probabilities).toMatchObject({ datatype: 'BYTES', shape: [model.shape[0], 2], binary: true });
      const top = argmaxRows(model.expected.probabilities, classes());
      strings.filter((_, i) => i % 2 === 0).forEach((entry, row) => expect(entry.split(':').slice(1)).toEqual([String(top[row]), model.labels[top[row]!]]));
    });
  });

  describe('bad requests: the status and message each server answers, then a good request', () => {
    // The served model's input, [batch, 28, 28, 1] (Fashion-MNIST).
    const [height, width, channels] = [28, 28, 1];
    const image = (): number[] => Array.from({ length: height * width * channels }, (_, i) => i % 256);
    const tensor = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      name: 'images',
      shape: [1, height, width, channels],
      datatype: 'FP32',
      data: image(),
      ...extra,
    });
    const json = (doc: unknown): Request => ({ body: JSON.stringify(doc), headers: { 'Content-Type': 'application/json' } });
    const binary = (header: unknown, data: Buffer, headerLength?: number): Request => {
      const text = Buffer.from(JSON.stringify(header));
      return {
        body: Buffer.concat([text, data]),
        headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength ?? text.length) },
      };
    };
    interface Request {
      body: string | Buffer;
      headers: Record<string, string>;
    }
    interface BadCase {
      what: string;
      path: (name: string) => string;
      request: () => Request;
      /** The statuses measured: Triton 2.51's, and what mlpx serve answers. */
      triton: number;
      mlpx: number;
      /** Part of each server's message, where it names what was wrong. */
      tritonSays: RegExp;
    }
    const infer = (name: string): string => `/v2/models/${name}/infer`;
    const CASES: BadCase[] = [
      {
        what: 'an unknown model',
        path: () => infer('no-such-model'),
        request: () => json({ inputs: [tensor()] }),
        triton: 404,
        mlpx: 404,
        tritonSays: /unknown model: 'no-such-model'/,
      },
      {
        what: 'an unknown version',
        path: (name) => `/v2/models/${name}/versions/9/infer`,
        request: () => json({ inputs: [tensor()] }),
        triton: 404,
        mlpx: 404,
        tritonSays: /version 9 is not found/,
      },
      {
        what: 'a wrong input name',
        path: infer,
        request: () => json({ inputs: [tensor({ name: 'pixels' })] }),
        triton: 400,
        mlpx: 400,
        tritonSays: /unexpected inference input 'pixels'/,
      },
      {
        what: 'no batch dimension',
        path: infer,
        request: () => json({ inputs: [tensor({ shape: [height, width, channels] })] }),
        triton: 400,
        mlpx: 400,
        tritonSays: /unexpected shape for input 'images'.*Expected \[-1,28,28,1\], got \[28,28,1\]/,
      },
      // Triton checks the JSON data against the shape while it parses, and calls the mismatch a 500.
      {
        what: 'a shape the data does not fill',
        path: infer,
        request: () => json({ inputs: [tensor({ shape: [1, height, width, 3] })] }),
        triton: 500,
        mlpx: 400,
        tritonSays: /Shape does not match true shape of 'data' field/,
      },
      {
        what: 'a wrong datatype',
        path: infer,
        request: () => json({ inputs: [tensor({ datatype: 'FP64' })] }),
        triton: 400,
        mlpx: 400,
        tritonSays: /data-type is 'FP64', but model .* expects 'FP32'/,
      },
      {
        what: 'a binary input of the wrong byte count',
        path: infer,
        request: () =>
          binary(
            { inputs: [{ name: 'images', shape: [1, height, width, channels], datatype: 'FP32', parameters: { binary_data_size: 3132 } }] },
            Buffer.alloc(3132),
          ),
        triton: 400,
        mlpx: 400,
        tritonSays: /input byte size mismatch for input 'images'.*Expected 3136, got 3132/,
      },
      {
        what: 'binary data shorter than its binary_data_size',
        path: infer,
        request: () =>
          binary(
            { inputs: [{ name: 'images', shape: [1, height, width, channels], datatype: 'FP32', parameters: { binary_data_size: 3136 } }] },
            Buffer.alloc(3000),
          ),
        triton: 400,
        mlpx: 400,
        tritonSays: /unexpected size for input 'images', expecting 136 additional bytes/,
      },
      // Triton calls a body it cannot parse a 500 too.
      {
        what: 'malformed JSON',
        path: infer,
        request: () => ({ body: '{"inputs": [ {"name": "images", ', headers: { 'Content-Type': 'application/json' } }),
        triton: 500,
        mlpx: 400,
        tritonSays: /failed to parse the request JSON buffer/,
      },
      {
        what: 'an Inference-Header-Content-Length longer than the body',
        path: infer,
        request: () => binary({ inputs: [] }, Buffer.alloc(0), 5000),
        triton: 400,
        mlpx: 400,
        tritonSays: /inference header size should be in range \(0, 13\), got: 5000/,
      },
      // Triton 2.51 has no body limit over HTTP: it reads the 78 MB and refuses the batch. mlpx serve
      // refuses the body (--max-body-bytes, 64 MiB by default) before it parses.
      {
        what: 'a body over 64 MiB',
        path: infer,
        request: () =>
          binary(
            { inputs: [{ name: 'images', shape: [25_000, height, width, channels], datatype: 'FP32', parameters: { binary_data_size: 25_000 * 3136 } }] },
            Buffer.alloc(25_000 * 3136),
          ),
        triton: 400,
        mlpx: 413,
        tritonSays: /batch-size must be <= 64/,
      },
    ];

    const answers = new Map<string, { status: number; error: string }>();
    const ask = async (name: ServerName, path: string, request: Request): Promise<{ status: number; error: string }> => {
      const response = await fetch(`${server(name).url}${path}`, { method: 'POST', body: request.body, headers: request.headers });
      const text = await response.text();
      let error = text;
      try {
        error = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: the text itself
      }
      return { status: response.status, error };
    };

    it.each(CASES)('$what', async (bad) => {
      for (const name of SERVERS) {
        const answer = await ask(name, bad.path(model.modelName), bad.request());
        answers.set(`${bad.what}\u0000${name}`, answer);
        expect(answer.error, `${name}: ${bad.what}`).not.toBe('');
        expect(answer.status, `${name}: ${bad.what}: ${answer.error}`).toBe(name === 'tritonserver' ? bad.triton : bad.mlpx);
        if (name === 'tritonserver') expect(answer.error).toMatch(bad.tritonSays);
      }
    });

    it('answers a good request after them (both servers), and the statuses differ only where noted', async () => {
      for (const name of SERVERS) {
        const request = binaryInferRequest(Float32Array.from(image()), [1, height, width, channels]);
        const response = await fetch(`${server(name).url}${infer(model.modelName)}`, { method: 'POST', body: request.body, headers: request.headers });
        expect(response.status, name).toBe(200);
        await response.arrayBuffer();
      }
      const table = CASES.map((bad) => {
        const [triton, mlpx] = SERVERS.map((name) => answers.get(`${bad.what}\u0000${name}`));
        return `${bad.what}: tritonserver ${triton?.status} (${triton?.error.slice(0, 90)}) | mlpx serve ${mlpx?.status} (${mlpx?.error.slice(0, 90)})`;
      });
      console.log(table.join('\n'));
      const differing = CASES.filter((bad) => bad.triton !== bad.mlpx).map((bad) => bad.what);
      expect(differing).toEqual(['a shape the data does not fill', 'malformed JSON', 'a body over 64 MiB']);
    });
  });
});

/** mlpx serve's counters for one model: images classified and ONNX Runtime runs (the batch-size histogram's count). */
async function mlpxBatchMetrics(url: string, name: string): Promise<{ images: number; runs: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (metric: string): number => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${metric}{`) && candidate.includes(`model="${name}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return { images: value('mlpx_inference_images_total'), runs: value('mlpx_inference_batch_size_count') };
}
