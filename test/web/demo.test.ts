/**
 * The web bundle in a real browser (Debian's headless Chromium): the demo page served by
 * `mlpx serve` classifies real Fashion-MNIST test images on WebGPU (SwiftShader) and on wasm with
 * the same top-1 as onnxruntime-node's CPU provider and probabilities within 1e-3; falls back to
 * wasm without WebGPU and says so; reads the model from the Cache API on a second load; and shows
 * the labels (screenshot in test-artifacts/).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { startDemoServer, type DemoServer } from 'mlpx/src/serve/demo-server.js';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { launchChromium } from '../helpers/chromium.js';
import { expectClose } from '../helpers/closeness.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { REPO_ROOT, trainAndExport } from '../helpers/run-cli.js';
import { singleLayerModel } from '../helpers/single-layer-model.js';

const IMAGES = 12;
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

let work: Awaited<ReturnType<typeof tempDir>>;
let server: DemoServer;
let pngs: Buffer[];
/** onnxruntime-node CPU probabilities per image. */
let reference: Float32Array[];
let labels: readonly string[];

beforeAll(async () => {
  work = await tempDir();
  const model = await trainAndExport(work.path, [
    '--model',
    'mixer',
    '--limit',
    '500',
    '--image-size',
    '32',
    '--patch-size',
    '8',
    '--embedding-dim',
    '32',
    '--blocks',
    '2',
  ]);
  const data = await loadDataset('fashion-mnist-sample', { limit: IMAGES });
  pngs = await Promise.all(
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
  server = await startDemoServer({ model, port: 0 });
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await work?.remove();
});

async function openDemo(browser: Browser, query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.route('**/test-images/*.png', (route) => {
    const index = Number(/(\d+)\.png$/.exec(route.request().url())![1]);
    return route.fulfill({ body: pngs[index]!, contentType: 'image/png', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
  });
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector('body[data-state]', { timeout: 120_000 });
  expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');
  return page;
}

async function expectSameAsNode(page: Page): Promise<{ agreement: number; maxDifference: number; msPerImage: number }> {
  let maxDifference = 0;
  let agreement = 0;
  const started = Date.now();
  for (let i = 0; i < IMAGES; i++) {
    const ranked = await page.evaluate(
      (url) =>
        (globalThis as unknown as { mlpxDemo: { rankAllClasses(u: string): Promise<{ index: number; probability: number }[]> } }).mlpxDemo.rankAllClasses(url),
      `/test-images/${i}.png`,
    );
    const probabilities = new Float32Array(labels.length);
    for (const p of ranked) probabilities[p.index] = p.probability;
    const expected = reference[i]!;
    const expectedTop = expected.indexOf(Math.max(...expected));
    expect(ranked[0]!.index, `image ${i}`).toBe(expectedTop);
    agreement += ranked[0]!.index === expectedTop ? 1 : 0;
    maxDifference = Math.max(maxDifference, expectClose(probabilities, expected, { absolute: 1e-3, what: `probabilities of image ${i}` }).difference);
  }
  return { agreement: agreement / IMAGES, maxDifference, msPerImage: (Date.now() - started) / IMAGES };
}

describe('the web bundle in Chromium', () => {
  it('classifies like onnxruntime-node on WebGPU (SwiftShader), then reads the model from the cache', async () => {
    const browser = await launchChromium({ webgpu: true });
    try {
      const page = await openDemo(browser, '?ep=webgpu,wasm');
      expect(await page.textContent('#status')).toMatch(/running on webgpu/);
      const result = await expectSameAsNode(page);
      console.log(
        `webgpu: top-1 agreement ${result.agreement * 100}%, largest probability difference ${result.maxDifference.toExponential(2)}, ${result.msPerImage.toFixed(1)} ms per image`,
      );
      expect(server.requests.get('/model.onnx')).toBe(1);
      await page.reload();
      await page.waitForSelector('body[data-state=ready]', { timeout: 120_000 });
      expect(await page.textContent('#status')).toMatch(/model from the cache/);
      expect(server.requests.get('/model.onnx')).toBe(1);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('classifies like onnxruntime-node on wasm, and shows the labels', async () => {
    const browser = await launchChromium({ webgpu: true });
    try {
      const page = await openDemo(browser, '?ep=wasm');
      expect(await page.textContent('#status')).toMatch(/running on wasm/);
      const result = await expectSameAsNode(page);
      console.log(
        `wasm: top-1 agreement ${result.agreement * 100}%, largest probability difference ${result.maxDifference.toExponential(2)}, ${result.msPerImage.toFixed(1)} ms per image`,
      );
      await page.setInputFiles('#file', { name: 'shoe.png', mimeType: 'image/png', buffer: pngs[0]! });
      await page.waitForSelector('#predictions li');
      const shown = await page.$$eval('#predictions .label', (nodes) => nodes.map((n) => n.textContent));
      expect(shown).toHaveLength(5);
      expect(shown[0]).toBe(labels[reference[0]!.indexOf(Math.max(...reference[0]!))]);
      expect(await page.textContent('#timing')).toMatch(/^wasm, [\d.]+ ms$/);
      await page.screenshot({ path: join(ARTIFACTS, 'web-demo.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('says clearly why a model cannot load: 404, not ONNX, not an image model', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      await page.route('**/vector.onnx', (route) =>
        route.fulfill({ body: Buffer.from(exportToOnnx(singleLayerModel(() => tf.layers.dense({ units: 3 }), [7]))), contentType: 'application/octet-stream' }),
      );
      for (const [model, message] of [
        ['missing.onnx', /Cannot load the model: cannot download the model missing\.onnx: HTTP 404/],
        ['index.html', /Cannot load the model: index\.html is not an ONNX model/],
        ['vector.onnx', /Cannot load the model: vector\.onnx: its input is not an image tensor/],
      ] as const) {
        await page.goto(`${server.url}?model=${model}&ep=wasm`);
        await page.waitForSelector('body[data-state=error]', { timeout: 60_000 });
        expect(await page.textContent('#status')).toMatch(message);
      }
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('falls back to wasm without WebGPU, and says so', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await openDemo(browser, '?ep=webgpu,wasm');
      expect(await page.textContent('#status')).toMatch(/running on wasm \(webgpu unavailable: /);
      expect(
        await page.evaluate(() => (globalThis as unknown as { mlpxDemo: { classifier: { executionProvider: string } } }).mlpxDemo.classifier.executionProvider),
      ).toBe('wasm');
    } finally {
      await browser.close();
    }
  }, 300_000);
});
