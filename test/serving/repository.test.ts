/**
 * A model repository as `mlpx export --triton` writes it and tritonserver --model-repository
 * serves it, served by `mlpx serve`: every model and version, unversioned requests answered by the
 * latest version, config.pbtxt's max_batch_size, dynamic_batching and label_filename obeyed as
 * Triton obeys them, a model folder without config.pbtxt served with the flags' settings, and
 * what is wrong with a broken repository said in one line.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceServer, type InferenceServer } from '@mlpx/infer/src/index.js';
import { formatFixed6 } from '@mlpx/infer/src/serving/classification.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { runCli, trainAndExport } from '../helpers/run-cli.js';
import {
  argmax,
  binaryRequest,
  decodeResponse,
  jsonRequest,
  maxDifference,
  reference,
  SMALL_MODEL,
  testImages,
  writeRepository,
  type Reference,
} from './fixtures.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let repository: string;
let images: Float32Array[];
/** onnxruntime-node's answers of the two trained models. */
let first: Reference;
let second: Reference;
let files: { first: string; second: string };
let server: InferenceServer;

async function exportTriton(run: string, name: string, extra: readonly string[] = []): Promise<void> {
  const result = await runCli(['export', '--run', run, '--triton', repository, '--model-name', name, ...extra]);
  if (result.code !== 0) throw new Error(`mlpx export --triton failed:\n${result.stderr}`);
}

beforeAll(async () => {
  work = await tempDir();
  await Promise.all(['a', 'b'].map((d) => mkdir(join(work.path, d))));
  const firstModel = await trainAndExport(join(work.path, 'a'), [...SMALL_MODEL, '--seed', '1']);
  const secondModel = await trainAndExport(join(work.path, 'b'), [...SMALL_MODEL, '--seed', '2']);
  files = { first: firstModel, second: secondModel };
  repository = join(work.path, 'repo');
  // fashion: versions 1 and 2 (the two runs), Triton's settings of mlpx export --triton, with max_batch_size 4.
  await exportTriton(join(work.path, 'a', 'run'), 'fashion', ['--max-batch-size', '4', '--max-queue-delay-us', '20000']);
  await exportTriton(join(work.path, 'b', 'run'), 'fashion', ['--max-batch-size', '4', '--max-queue-delay-us', '20000']);
  // plain: a model folder with no config.pbtxt, as a hand-made repository has.
  await writeRepository(repository, [{ name: 'plain', version: '3', file: firstModel }]);
  images = await testImages(6);
  [first, second] = await Promise.all([reference(firstModel, images), reference(secondModel, images)]);
  server = await startInferenceServer({ model: repository, port: 0, maxBatchSize: 16 });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await work?.remove();
});

async function logitsOf(path: string, image: Float32Array): Promise<{ logits: Float32Array; model: string; version: string }> {
  const decoded = await decodeResponse(await fetch(`${server.url}${path}`, binaryRequest(image, 1, [{ name: 'logits' }])));
  expect(decoded.status).toBe(200);
  return { logits: decoded.outputs['logits']!.values as Float32Array, model: decoded.json.model_name, version: decoded.json.model_version };
}

describe('a model repository', () => {
  it('serves every model and version, and lists them', async () => {
    expect(server.kind).toBe('repository');
    expect(server.models).toEqual([
      { name: 'fashion', versions: ['1', '2'] },
      { name: 'plain', versions: ['3'] },
    ]);
    const metadata = (await (await fetch(`${server.url}v2/models/fashion`)).json()) as { versions: string[]; inputs: { shape: number[] }[] };
    expect(metadata.versions).toEqual(['1', '2']);
    expect(metadata.inputs[0]!.shape).toEqual([-1, 28, 28, 1]);
    expect(((await (await fetch(`${server.url}v2/models/fashion/versions/1`)).json()) as { versions: string[] }).versions).toEqual(['1']);
    const index = await (await fetch(`${server.url}v2/repository/index`, { method: 'POST' })).json();
    expect(index).toEqual([
      { name: 'fashion', version: '1', state: 'READY' },
      { name: 'fashion', version: '2', state: 'READY' },
      { name: 'plain', version: '3', state: 'READY' },
    ]);
    for (const path of ['v2/models/fashion/versions/1/ready', 'v2/models/fashion/versions/2/ready', 'v2/models/plain/ready']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(200);
    }
    expect((await fetch(`${server.url}v2/models/fashion/versions/3/ready`)).status).toBe(404);
  });

  it('answers each version with its own model, and an unversioned request with the latest', async () => {
    for (let i = 0; i < images.length; i++) {
      const one = await logitsOf('v2/models/fashion/versions/1/infer', images[i]!);
      expect([one.model, one.version]).toEqual(['fashion', '1']);
      expect(maxDifference(one.logits, first.logits[i]!)).toBeLessThan(1e-5);
      const latest = await logitsOf('v2/models/fashion/infer', images[i]!);
      expect(latest.version).toBe('2');
      expect(maxDifference(latest.logits, second.logits[i]!)).toBeLessThan(1e-5);
      expect(argmax(latest.logits)).toBe(argmax(second.logits[i]!));
      const plain = await logitsOf('v2/models/plain/infer', images[i]!);
      expect(plain.version).toBe('3');
      expect(maxDifference(plain.logits, first.logits[i]!)).toBeLessThan(1e-5);
    }
    // The two runs are different models.
    expect(maxDifference(first.logits[0]!, second.logits[0]!)).toBeGreaterThan(1e-3);
  });

  it("takes max_batch_size from config.pbtxt, and the flags' where there is none", async () => {
    const five = new Float32Array(5 * 784);
    const refused = await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(five, 5));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/batch-size must be <= 4 for 'fashion'/);
    expect((await fetch(`${server.url}v2/models/plain/infer`, binaryRequest(five, 5))).status).toBe(200);
    const config = (await (await fetch(`${server.url}v2/models/fashion/config`)).json()) as {
      max_batch_size: number;
      dynamic_batching: { max_queue_delay_microseconds: number };
    };
    expect(config.max_batch_size).toBe(4);
    expect(config.dynamic_batching.max_queue_delay_microseconds).toBe(20000);
    expect(((await (await fetch(`${server.url}v2/models/plain/config`)).json()) as { max_batch_size: number }).max_batch_size).toBe(16);
  });

  it('labels the classification of the outputs config.pbtxt gives a label_filename (probabilities), as Triton does', async () => {
    const labels = (await readFile(join(repository, 'fashion', 'labels.txt'), 'utf8')).trim().split('\n');
    expect(labels).toEqual(second.labels);
    const decoded = await decodeResponse(
      await fetch(
        `${server.url}v2/models/fashion/infer`,
        jsonRequest(images[0]!, 1, {
          outputs: [
            { name: 'probabilities', classification: 2 },
            { name: 'logits', classification: 2 },
          ],
        }),
      ),
    );
    const top = argmax(second.probabilities[0]!);
    expect((decoded.outputs['probabilities']!.values as string[])[0]).toBe(`${formatFixed6(second.probabilities[0]![top]!)}:${top}:${labels[top]}`);
    expect((decoded.outputs['logits']!.values as string[])[0]).toBe(`${formatFixed6(second.logits[0]![top]!)}:${top}`);
    // Without config.pbtxt both outputs carry the model's labels.
    const plain = await decodeResponse(
      await fetch(`${server.url}v2/models/plain/infer`, jsonRequest(images[0]!, 1, { outputs: [{ name: 'logits', classification: 1 }] })),
    );
    expect((plain.outputs['logits']!.values as string[])[0]).toMatch(/^-?\d+\.\d{6}:\d+:.+/);
  });

  it('gathers concurrent requests per version, into runs of at most max_batch_size', async () => {
    const stats = async (version: string) =>
      (
        (await (await fetch(`${server.url}v2/models/fashion/versions/${version}/stats`)).json()) as {
          model_stats: { inference_count: number; execution_count: number; batch_stats: { batch_size: number }[] }[];
        }
      ).model_stats[0]!;
    const before = await stats('1');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => logitsOf('v2/models/fashion/versions/1/infer', images[i % images.length]!)));
    answers.forEach((answer, i) => expect(maxDifference(answer.logits, first.logits[i % images.length]!)).toBeLessThan(1e-5));
    const after = await stats('1');
    expect(after.inference_count - before.inference_count).toBe(12);
    expect(after.execution_count - before.execution_count).toBeLessThan(12);
    expect(Math.max(...after.batch_stats.map((b) => b.batch_size))).toBeLessThanOrEqual(4);
  });
});

describe('config.pbtxt', () => {
  it('without dynamic_batching: each request runs alone, as in Triton', async () => {
    const repo = join(work.path, 'unbatched');
    await writeRepository(repo, [{ name: 'solo', version: '1', file: files.first, config: 'name: "solo"\nmax_batch_size: 8\n' }]);
    const solo = await startInferenceServer({ model: repo, port: 0, maxQueueDelayMicroseconds: 50_000 });
    try {
      await Promise.all(
        Array.from({ length: 6 }, (_, i) => fetch(`${solo.url}v2/models/solo/infer`, binaryRequest(images[i]!, 1)).then((r) => r.arrayBuffer())),
      );
      const stats = ((await (await fetch(`${solo.url}v2/models/solo/stats`)).json()) as { model_stats: { inference_count: number; execution_count: number }[] })
        .model_stats[0]!;
      expect(stats).toMatchObject({ inference_count: 6, execution_count: 6 });
    } finally {
      await solo.close();
    }
  });

  it('says what is wrong with a repository, naming the file (and line)', async () => {
    const cases: [string, Record<string, string | undefined>, RegExp][] = [
      [
        'bad-number',
        { 'm/config.pbtxt': 'max_batch_size: -1\n', 'm/1/model.onnx': 'copy' },
        /m[/\\]config\.pbtxt:1: max_batch_size must be a whole number >= 0, not '-1'/,
      ],
      [
        'bad-syntax',
        { 'm/config.pbtxt': 'name: "m"\ndynamic_batching {\n  max_queue_delay_microseconds: 5\n', 'm/1/model.onnx': 'copy' },
        /config\.pbtxt:3: expected '}' before the end of the file/,
      ],
      ['wrong-name', { 'm/config.pbtxt': 'name: "other"\n', 'm/1/model.onnx': 'copy' }, /names the model 'other', but its folder is m/],
      ['no-version', { 'm/config.pbtxt': 'name: "m"\n' }, /model folder .*m has no version folder: put the model at .*m[/\\]1[/\\]model\.onnx/],
      ['no-model-file', { 'm/2/readme.txt': 'hello' }, /version folder .*m[/\\]2 has no model\.onnx/],
      ['empty', {}, /has no model folders/],
      [
        'missing-labels',
        { 'm/config.pbtxt': 'output [ { name: "probabilities" label_filename: "labels.txt" } ]\n', 'm/1/model.onnx': 'copy' },
        /cannot read .*labels\.txt, the label_filename of output probabilities/,
      ],
    ];
    for (const [name, layout, message] of cases) {
      const repo = join(work.path, 'broken', name);
      await mkdir(repo, { recursive: true });
      for (const [path, content] of Object.entries(layout)) {
        await mkdir(join(repo, path, '..'), { recursive: true });
        await writeFile(join(repo, path), content === 'copy' ? await readFile(files.first) : content!);
      }
      await expect(startInferenceServer({ model: repo, port: 0 }), name).rejects.toThrow(message);
    }
    await expect(startInferenceServer({ model: join(work.path, 'nothing-here'), port: 0 })).rejects.toThrow(
      /does not exist: give an \.onnx file written by mlpx export, or a model repository folder/,
    );
  });
});
