/**
 * @mlpx/web as a user's app gets it: `npm pack` @mlpx/core and @mlpx/web, install the two tarballs
 * and vite 8.3.8 from the registry into a fresh Vite app (test/web/fixtures/vite-app: main.js
 * imports loadClassifier from '@mlpx/web'), `vite build` it, serve the built dist/ with the
 * cross-origin isolation headers, and open it in headless Chromium. The build must carry
 * onnxruntime-web's runtime files (the .wasm and its .mjs loader) as emitted assets, the page must
 * load them from there (the .mjs also as the script of the wasm backend's second thread), and it
 * must classify real Fashion-MNIST test images on wasm (two threads) and on WebGPU (SwiftShader)
 * with the same top-1 as onnxruntime-node's CPU provider and probabilities within 1e-3.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { launchChromium } from '../helpers/chromium.js';
import { expectClose } from '../helpers/closeness.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { npmInstall, packWorkspaces, userEnvironment } from '../helpers/packed-packages.js';
import { REPO_ROOT, trainAndExport } from '../helpers/run-cli.js';

const run = promisify(execFile);
const FIXTURE = join(REPO_ROOT, 'test', 'web', 'fixtures', 'vite-app');
const VITE = '8.3.8';
const IMAGES = 12;

/** A static server for the built app, as a deployment that enables threads serves it. */
async function serveStatic(root: string): Promise<{ url: string; requests: { path: string; status: number }[]; close: () => Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.mjs': 'text/javascript',
    '.wasm': 'application/wasm',
    '.png': 'image/png',
  };
  const requests: { path: string; status: number }[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = join(root, normalize(path === '/' ? '/index.html' : path));
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    void stat(file)
      .then((info) => info.isFile() && file.startsWith(root + sep))
      .catch(() => false)
      .then((found) => {
        requests.push({ path, status: found ? 200 : 404 });
        if (!found) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(response);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let work: Awaited<ReturnType<typeof tempDir>>;
let app: string;
let assets: string[];
let server: Awaited<ReturnType<typeof serveStatic>>;
/** onnxruntime-node CPU probabilities per image. */
let reference: Float32Array[];
let labels: readonly string[];
const timings: string[] = [];

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

beforeAll(async () => {
  work = await tempDir();
  app = join(work.path, 'app');
  await mkdir(join(app, 'public', 'images'), { recursive: true });
  const model = await timed('train and export', () =>
    trainAndExport(work.path, ['--model', 'mixer', '--limit', '500', '--image-size', '32', '--patch-size', '8', '--embedding-dim', '32', '--blocks', '2']),
  );
  const data = await loadDataset('fashion-mnist-sample', { limit: IMAGES });
  const pngs = await Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      sharp(data.test.images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toBuffer(),
    ),
  );
  const classifier = await createClassifier(model);
  labels = classifier.labels;
  reference = (await classifier.classify(pngs.map((png) => new Uint8Array(png)))).map((c) => c.probabilities);
  await classifier.release();

  // The tarballs, as published (each package's prepack builds what it ships), installed with
  // vite into a fresh app.
  const packed = await timed('npm pack', () => packWorkspaces(work.path, ['packages/core', 'packages/web']));
  for (const p of packed) timings.push(`${p.name} tarball ${(p.size / 2 ** 20).toFixed(1)} MiB (${(p.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked)`);
  await writeFile(
    join(app, 'package.json'),
    JSON.stringify({ name: 'mlpx-vite-app', private: true, type: 'module', scripts: { build: 'vite build' }, devDependencies: { vite: VITE } }),
  );
  for (const file of await readdir(FIXTURE)) await copyFile(join(FIXTURE, file), join(app, file));
  await copyFile(model, join(app, 'public', 'model.onnx'));
  await Promise.all(pngs.map((png, i) => writeFile(join(app, 'public', 'images', `${i}.png`), png)));
  await timed('npm install', () =>
    npmInstall(
      packed.map((p) => p.path),
      { folder: app },
    ),
  );
  await timed('vite build', () => run('npx', ['vite', 'build'], { cwd: app, env: userEnvironment(), maxBuffer: 64 << 20 }));
  assets = await readdir(join(app, 'dist', 'assets'));
  server = await serveStatic(join(app, 'dist'));
}, 600_000);

afterAll(async () => {
  console.log(`vite app: ${timings.join(', ')}`);
  await server?.close();
  await work?.remove();
});

/**
 * Opens the built app, loads the model on one provider and checks every image against
 * onnxruntime-node; returns the URLs of the page's workers.
 */
async function classifiesLikeNode(browser: Browser, executionProvider: 'wasm' | 'webgpu', numThreads?: number): Promise<string[]> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  type Loaded = { executionProvider: string; skipped: { reason: string }[]; labels: string[]; crossOriginIsolated: boolean };
  const loaded = await page.evaluate(
    ([ep, threads]) => (globalThis as unknown as { app: { load(ep: string, threads?: number): Promise<Loaded> } }).app.load(ep!, threads as number | undefined),
    [executionProvider, numThreads] as const,
  );
  expect(loaded.executionProvider, JSON.stringify(loaded.skipped)).toBe(executionProvider);
  expect(loaded.crossOriginIsolated).toBe(true);
  expect(loaded.labels).toEqual(labels);
  let maxDifference = 0;
  const started = Date.now();
  for (let i = 0; i < IMAGES; i++) {
    const ranked = await page.evaluate(
      (url) => (globalThis as unknown as { app: { rank(u: string): Promise<{ index: number; probability: number }[]> } }).app.rank(url),
      `images/${i}.png`,
    );
    const probabilities = new Float32Array(labels.length);
    for (const p of ranked) probabilities[p.index] = p.probability;
    const expected = reference[i]!;
    expect(ranked[0]!.index, `image ${i}`).toBe(expected.indexOf(Math.max(...expected)));
    maxDifference = Math.max(maxDifference, expectClose(probabilities, expected, { absolute: 1e-3, what: `probabilities of image ${i}` }).difference);
  }
  console.log(
    `vite app on ${executionProvider}${numThreads ? ` (${numThreads} threads)` : ''}: top-1 as onnxruntime-node for ${IMAGES} images, largest probability difference ${maxDifference.toExponential(2)}, ${((Date.now() - started) / IMAGES).toFixed(1)} ms per image`,
  );
  expect(errors).toEqual([]);
  const workers = page.workers().map((worker) => worker.url());
  await page.close();
  return workers;
}

describe('@mlpx/web in a Vite app, built and served', () => {
  it('installs nothing of Node inference or training: no onnxruntime-node, TensorFlow.js or WebGPU for Node', async () => {
    const installed = await readdir(join(app, 'node_modules'));
    expect(installed).toContain('onnxruntime-web');
    for (const nodeOnly of ['onnxruntime-node', '@tensorflow', 'webgpu']) expect(installed).not.toContain(nodeOnly);
  });

  it("emits onnxruntime-web's runtime files with the build", () => {
    expect(assets.filter((file) => /^ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(file))).toHaveLength(1);
    expect(assets.filter((file) => /^ort-wasm-simd-threaded\.asyncify-[\w-]+\.mjs$/.test(file))).toHaveLength(1);
  });

  it('classifies like onnxruntime-node on wasm, two threads, from the emitted runtime files', async () => {
    const browser = await launchChromium({ webgpu: true });
    try {
      server.requests.length = 0;
      const workers = await classifiesLikeNode(browser, 'wasm', 2);
      // The second thread runs in a worker whose script is the emitted loader.
      expect(workers.map((url) => new URL(url).pathname)).toContain(`/assets/${assets.find((file) => file.endsWith('.mjs'))}`);
      const fetched = server.requests.filter((r) => r.path.startsWith('/assets/ort-wasm-simd-threaded.asyncify-'));
      expect(fetched.some((r) => r.path.endsWith('.wasm') && r.status === 200)).toBe(true);
      expect(fetched.some((r) => r.path.endsWith('.mjs') && r.status === 200)).toBe(true);
      expect(server.requests.filter((r) => r.status !== 200)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('classifies like onnxruntime-node on WebGPU (SwiftShader)', async () => {
    const browser = await launchChromium({ webgpu: true });
    try {
      server.requests.length = 0;
      await classifiesLikeNode(browser, 'webgpu');
      expect(server.requests.filter((r) => r.status !== 200)).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
