/**
 * The real `mlpx serve` process (the built CLI: npx tsc -b first): its first line says what it
 * serves and where (the base URL first, which test/web and test/install read), the demo page and
 * the model stay at / and /model.onnx, a repository's first model's latest version is the demo's
 * model, bad flags are one line; and SIGTERM with requests in flight stops it gracefully: no new
 * connections, a 503 on a kept-alive one, every request in flight answered, one line, exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, STACK_LINE, trainAndExport } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { binaryRequest, decodeResponse, maxDifference, metricValue, reference, SMALL_MODEL, testImages, writeRepository, type Reference } from './fixtures.js';

const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');
const FIRST_LINE =
  /^serving (.+) at (http:\/\/127\.0\.0\.1:\d+\/) : Open Inference Protocol under \/v2, metrics at \/metrics, the demo page at \/ \(Ctrl-C to stop\)$/;

let work: Awaited<ReturnType<typeof tempDir>>;
let models: { first: string; second: string };
let images: Float32Array[];
let expected: Reference;

interface Serving {
  readonly child: ChildProcess;
  readonly url: string;
  readonly firstLine: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `mlpx serve ARGS` and resolves once its first line says where it serves. */
function serve(args: readonly string[]): Promise<Serving> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: work.path, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const timer = setTimeout(() => reject(new Error(`mlpx serve did not start:\n${output}`)), 60_000);
    const read = (data: Buffer): void => {
      output += data.toString();
      const line = output.split('\n').find((l) => l.startsWith('serving '));
      const url = line && /at (http:\/\/\S+)/.exec(line)?.[1];
      if (line && url) {
        clearTimeout(timer);
        resolve({ child, url, firstLine: line, output: () => output, exited });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mlpx serve exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  work = await tempDir();
  await mkdir(join(work.path, 'second'));
  const first = await trainAndExport(work.path, [...SMALL_MODEL, '--seed', '1']);
  const second = await trainAndExport(join(work.path, 'second'), [...SMALL_MODEL, '--seed', '2']);
  models = { first, second };
  images = await testImages(6);
  expected = await reference(models.first, images);
}, 180_000);

afterAll(async () => {
  await work?.remove();
});

describe('mlpx serve', () => {
  it('says what it serves and where on its first line, and keeps the demo page and the model', async () => {
    const server = await serve([models.first, '--port', '0', '--model-name', 'fashion']);
    try {
      const match = FIRST_LINE.exec(server.firstLine);
      expect(match, server.firstLine).not.toBeNull();
      expect(match![1]).toBe('model "fashion" (version 1)');
      expect(server.url).toBe(match![2]);
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      const model = Buffer.from(await (await fetch(`${server.url}model.onnx`)).arrayBuffer());
      expect(model.equals(await readFile(models.first))).toBe(true);
      const answer = await decodeResponse(await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(images[0]!, 1)));
      expect(maxDifference(answer.outputs['logits']!.values as Float32Array, expected.logits[0]!)).toBeLessThan(1e-5);
      // stderr: the provider and the batching (it may come after the first line).
      expect(server.output()).toMatch(/execution provider: cpu; batching: up to 32 images per run, the oldest request waiting at most 500 µs/);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  }, 60_000);

  it("serves a repository, with the first model's latest version as the demo page's model", async () => {
    const repository = join(work.path, 'repo');
    await writeRepository(repository, [
      { name: 'alpha', version: '1', file: models.first },
      { name: 'alpha', version: '2', file: models.second },
      { name: 'beta', version: '1', file: models.first },
    ]);
    const server = await serve([repository, '--port', '0']);
    try {
      expect(FIRST_LINE.exec(server.firstLine)?.[1]).toBe(`models "alpha" (versions 1, 2) and "beta" (version 1) of the repository ${repository}`);
      const model = Buffer.from(await (await fetch(`${server.url}model.onnx`)).arrayBuffer());
      expect(model.equals(await readFile(models.second))).toBe(true);
      expect((await fetch(`${server.url}v2/models/beta/versions/1/ready`)).status).toBe(200);
    } finally {
      server.child.kill('SIGINT');
      expect(await server.exited).toBe(0);
    }
  }, 60_000);

  it.each([
    [['--port', '70000'], /^mlpx: error: option '--port <n>' argument '70000' is invalid: expected a port number from 0 to 65535/],
    [['--max-batch-size', '0'], /^mlpx: error: option '--max-batch-size <n>' argument '0' is invalid: expected a positive integer/],
    [['--max-body-bytes', 'lots'], /^mlpx: error: option '--max-body-bytes <n>' argument 'lots' is invalid: expected a byte count such as 67108864 or 64MiB/],
    [['--ep', 'tpu'], /^mlpx: error: .*unknown execution provider 'tpu'/],
  ])('refuses %j in one line', async (flags, message) => {
    const result = await runCli(['serve', models.first, ...flags], { cwd: work.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says in one line that the model is missing, or the port taken', async () => {
    const missing = await runCli(['serve', 'nope.onnx', '--port', '0'], { cwd: work.path });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mlpx: error: nope\.onnx does not exist: give an \.onnx file written by mlpx export, or a model repository folder/);
    const server = await serve([models.first, '--port', '0']);
    try {
      const port = new URL(server.url).port;
      const taken = await runCli(['serve', models.first, '--port', port], { cwd: work.path });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(new RegExp(`^mlpx: error: port ${port} on 127\\.0\\.0\\.1 is in use: choose another with --port`));
      expect(taken.stderr).not.toMatch(STACK_LINE);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});

/** Whether a new TCP connection to the server is refused (its listener closed). */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function get(url: string, agent: Agent): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, refuses a kept-alive request with 503, answers every request in flight, and exits 0', async () => {
    // A 3 s queue delay holds the requests in the queue while the server is told to stop.
    const server = await serve([models.first, '--port', '0', '--model-name', 'fashion', '--max-queue-delay-us', '3000000', '--max-batch-size', '64']);
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get(`${server.url}v2/health/live`, keptAlive)).status).toBe(200);
      const inFlight = images.slice(0, 5).map(async (image, i) => {
        const response = await fetch(`${server.url}v2/models/fashion/infer`, binaryRequest(image, 1, [{ name: 'logits' }]));
        return { i, status: response.status, decoded: response.status === 200 ? await decodeResponse(response) : undefined };
      });
      for (let waited = 0; ; waited += 20) {
        const text = await (await fetch(`${server.url}metrics`)).text();
        if (metricValue(text, 'mlpx_inference_pending_requests', { model: 'fashion', version: '1' }) === 5) break;
        if (waited > 10_000) throw new Error(`the 5 requests never queued:\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      server.child.kill('SIGTERM');
      for (let waited = 0; !(await refusesConnections(server.url)); waited += 10) {
        if (waited > 5_000) throw new Error('the server still accepts connections after SIGTERM');
        await new Promise((r) => setTimeout(r, 10));
      }
      const refused = await get(`${server.url}v2/health/ready`, keptAlive);
      expect(refused.status).toBe(503);
      expect(refused.headers['connection']).toBe('close');
      expect(JSON.parse(refused.body).error).toMatch(/the server is shutting down/);

      const answers = await Promise.all(inFlight);
      for (const { i, status, decoded } of answers) {
        expect(status, `request ${i}`).toBe(200);
        expect(maxDifference(decoded!.outputs['logits']!.values as Float32Array, expected.logits[i]!)).toBeLessThan(1e-5);
      }
      expect(await server.exited).toBe(0);
      const lines = server.output().trim().split('\n');
      expect(lines.at(-1)).toBe('stopped on SIGTERM: answered the 5 requests in flight, refused 1 that came during shutdown (503), closed the sessions');
      expect(server.output()).not.toMatch(STACK_LINE);
    } finally {
      keptAlive.destroy();
      server.child.kill('SIGKILL');
    }
  }, 60_000);
});
