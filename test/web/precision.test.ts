/**
 * int8 and fp16 exports (of an FNet, so the factored Fourier transform runs too) in a real browser
 * (Debian's headless Chromium) through the web bundle and the demo page of `mlpx serve`:
 * - int8 on onnxruntime-web's wasm, and on WebGPU, where its MatMulIntegerToFloat nodes (no
 *   WebGPU kernel) run on wasm beside the rest;
 * - fp16 on wasm, and on WebGPU when the adapter has shader-f16; SwiftShader's adapter has not,
 *   and the page says so and runs wasm;
 * each with the top-1 of onnxruntime-node's CPU provider on real Fashion-MNIST test images.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from 'mlpx/src/serve/demo-server.js';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { launchChromium } from '../helpers/chromium.js';
import { expectClose } from '../helpers/closeness.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { runCli, trainAndExport } from '../helpers/run-cli.js';

const IMAGES = 8;

let work: Awaited<ReturnType<typeof tempDir>>;
let pngs: Buffer[];
const models: Record<'int8' | 'fp16', string> = { int8: '', fp16: '' };
/** onnxruntime-node CPU probabilities per image, per model. */
const reference: Record<string, Float32Array[]> = {};

beforeAll(async () => {
  work = await tempDir();
  await trainAndExport(work.path, ['--model', 'fnet', '--limit', '500', '--image-size', '32', '--patch-size', '8', '--embedding-dim', '32', '--blocks', '2']);
  for (const precision of ['int8', 'fp16'] as const) {
    models[precision] = join(work.path, `${precision}.onnx`);
    const exported = await runCli(['export', '--run', join(work.path, 'run'), '--precision', precision, '--max-accuracy-drop', '5', models[precision]], {
      cwd: work.path,
    });
    expect(exported.code, exported.stderr).toBe(0);
  }
  const data = await loadDataset('fashion-mnist-sample', { limit: IMAGES });
  pngs = await Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      sharp(data.test.images.subarray(i * 784, (i + 1) * 784), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toBuffer(),
    ),
  );
  for (const [precision, path] of Object.entries(models)) {
    const classifier = await createClassifier(path);
    reference[precision] = (await classifier.classify(pngs.map((png) => new Uint8Array(png)))).map((c) => c.probabilities);
    await classifier.release();
  }
}, 300_000);

afterAll(async () => {
  await work?.remove();
});

async function openDemo(browser: Browser, url: string, query: string): Promise<Page> {
  const page = await browser.newPage();
  await page.route('**/test-images/*.png', (route) => {
    const index = Number(/(\d+)\.png$/.exec(route.request().url())![1]);
    return route.fulfill({ body: pngs[index]!, contentType: 'image/png', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
  });
  await page.goto(`${url}${query}`);
  await page.waitForSelector('body[data-state]', { timeout: 120_000 });
  expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');
  return page;
}

/** Every image's top-1 equal to onnxruntime-node's; returns the largest probability difference. */
async function expectSameTop1(page: Page, expected: Float32Array[]): Promise<number> {
  let largest = 0;
  for (let i = 0; i < IMAGES; i++) {
    const ranked = await page.evaluate(
      (url) =>
        (globalThis as unknown as { mlpxDemo: { rankAllClasses(u: string): Promise<{ index: number; probability: number }[]> } }).mlpxDemo.rankAllClasses(url),
      `/test-images/${i}.png`,
    );
    const probabilities = new Float32Array(expected[i]!.length);
    for (const p of ranked) probabilities[p.index] = p.probability;
    expect(ranked[0]!.index, `image ${i}`).toBe(expected[i]!.indexOf(Math.max(...expected[i]!)));
    largest = Math.max(largest, expectClose(probabilities, expected[i]!, { absolute: 1e-3, what: `probabilities of image ${i}` }).difference);
  }
  return largest;
}

async function adapterFeatures(page: Page): Promise<string[] | undefined> {
  return page.evaluate(async () => {
    const gpu = (globalThis as unknown as { navigator: { gpu?: { requestAdapter(): Promise<{ features: Set<string> } | null> } } }).navigator.gpu;
    const adapter = await gpu?.requestAdapter();
    return adapter ? [...adapter.features] : undefined;
  });
}

describe('reduced-precision models in Chromium', () => {
  for (const ep of ['wasm', 'webgpu'] as const) {
    it(`int8 runs on ${ep} with onnxruntime-node's top-1`, async () => {
      const server = await startDemoServer({ model: models.int8, port: 0 });
      const browser = await launchChromium({ webgpu: true });
      try {
        const page = await openDemo(browser, server.url, `?ep=${ep}`);
        expect(await page.textContent('#status')).toMatch(new RegExp(`running on ${ep}`));
        const difference = await expectSameTop1(page, reference['int8']!);
        console.log(`int8 on ${ep}: largest probability difference from onnxruntime-node ${difference.toExponential(2)}`);
      } finally {
        await browser.close();
        await server.close();
      }
    }, 300_000);
  }

  it("fp16 runs on wasm with onnxruntime-node's top-1, and on WebGPU only where the adapter has shader-f16", async () => {
    const server = await startDemoServer({ model: models.fp16, port: 0 });
    const browser = await launchChromium({ webgpu: true });
    try {
      const wasm = await openDemo(browser, server.url, '?ep=wasm');
      console.log(`fp16 on wasm: largest probability difference from onnxruntime-node ${(await expectSameTop1(wasm, reference['fp16']!)).toExponential(2)}`);
      const page = await openDemo(browser, server.url, '?ep=webgpu,wasm');
      const features = await adapterFeatures(page);
      expect(features).toBeDefined();
      if (features!.includes('shader-f16')) {
        expect(await page.textContent('#status')).toMatch(/running on webgpu/);
        await expectSameTop1(page, reference['fp16']!);
      } else {
        // SwiftShader: no float16 shaders, so onnxruntime-web could open the session but not run it.
        console.log(`fp16 on WebGPU: the adapter has no shader-f16 (features: ${features!.join(', ')})`);
        expect(await page.textContent('#status')).toMatch(
          /running on wasm \(webgpu unavailable: the model is fp16 and this WebGPU adapter has no shader-f16 feature/,
        );
        await expectSameTop1(page, reference['fp16']!);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  }, 300_000);
});
