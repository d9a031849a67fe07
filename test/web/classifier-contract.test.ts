/**
 * @mlpx/web's loadClassifier (onnxruntime-web, wasm) against the classifier contract
 * (test/helpers/classifier-contract.ts), the suite test/infer/classifier-contract.test.ts runs on
 * @mlpx/infer's createClassifier in Node. The web bundle and the model are served by `mlpx serve`'s
 * demo server; the page is test/web/fixtures/classifier-contract/contract.js, opened in headless
 * Chromium without WebGPU, so that WebGPU is the provider a fallback list skips.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Classification, ClassifyOptions, RawOutputs } from '@mlpx/core';
import { startDemoServer, type DemoServer } from 'mlpx/src/serve/demo-server.js';
import { launchChromium } from '../helpers/chromium.js';
import {
  classifierContract,
  contractImages,
  CONTRACT_MEMBERS,
  writeContractModel,
  type ClassifierFields,
  type ClassifierHandle,
  type ContractImage,
  type ContractSubject,
  type DeprecatedUse,
} from '../helpers/classifier-contract.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const PAGE_SCRIPT = join(REPO_ROOT, 'test', 'web', 'fixtures', 'classifier-contract', 'contract.js');
const PAGE = '<!doctype html><meta charset="utf-8"><title>classifier contract</title><script type="module" src="/contract.js"></script>';

type PlainClassification = { predictions: Classification['predictions']; probabilities: number[]; logits: number[] };

/** window.contract of the page. */
interface PageContract {
  warnings: { code: string; message: string }[];
  setImages(images: { png: number[]; pixels: number[] }[]): Promise<void>;
  open(providers: string[]): Promise<number>;
  openFailing(providers: string[]): Promise<{ noneLoaded: boolean; message: string }>;
  fields(id: number, members: readonly string[]): ClassifierFields;
  classify(
    id: number,
    images: ContractImage | readonly ContractImage[],
    options?: ClassifyOptions,
  ): Promise<{ one: PlainClassification } | { many: PlainClassification[] }>;
  run(id: number, values: number[], count?: number): Promise<{ logits: number[]; probabilities: number[] }>;
  release(id: number): Promise<void>;
  useOldName(name: string, providers: string[]): Promise<unknown>;
}

/** The page's window.contract, named in the functions page.evaluate runs there (never called here). */
declare const contract: PageContract;

let work: Awaited<ReturnType<typeof tempDir>>;
let server: DemoServer;
let browser: Browser;
let page: Page;
let subject: ContractSubject;
const pageErrors: string[] = [];

function classification(plain: PlainClassification): Classification {
  return { predictions: plain.predictions, probabilities: Float32Array.from(plain.probabilities), logits: Float32Array.from(plain.logits) };
}

function handleOf(id: number): ClassifierHandle {
  return {
    fields: () => page.evaluate(([id, members]) => contract.fields(id, members), [id, CONTRACT_MEMBERS] as const),
    classify: async (images, options) => {
      const result = await page.evaluate(([id, images, options]) => contract.classify(id, images, options), [id, images, options] as const);
      return 'one' in result ? classification(result.one) : result.many.map(classification);
    },
    run: async (pixels, count): Promise<RawOutputs> => {
      const result = await page.evaluate(([id, values, count]) => contract.run(id, values, count), [id, Array.from(pixels), count] as const);
      return { logits: Float32Array.from(result.logits), probabilities: Float32Array.from(result.probabilities) };
    },
    release: () => page.evaluate((id) => contract.release(id), id),
  };
}

function oldName(name: string, code: string, instead: RegExp, providers: string[], check: (value: unknown) => void): DeprecatedUse {
  return { name, code, instead, use: () => page.evaluate(([name, providers]) => contract.useOldName(name, providers), [name, providers] as const), check };
}

const DEPRECATED: DeprecatedUse[] = [
  oldName('probabilities(pixels)', 'MLPX_DEP004', /use \(await classifier\.run\(pixels\)\)\.probabilities/, ['wasm'], (value) => {
    expect(value).toHaveLength(10);
    expect((value as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  }),
  oldName('classify(image) read as an array', 'MLPX_DEP005', /use \(await classifier\.classify\(image\)\)\.predictions/, ['wasm'], (value) => {
    const read = value as { length: number; first: string; labels: string[]; predictions: string[] };
    expect(read.length).toBe(3);
    expect(read.labels).toEqual(read.predictions);
    expect(read.first).toBe(read.predictions[0]);
  }),
  oldName('skipped[i].executionProvider', 'MLPX_DEP003', /skipped\[i\]\.executionProvider is deprecated: use skipped\[i\]\.name/, ['webgpu', 'wasm'], (value) =>
    expect(value).toEqual(['webgpu']),
  ),
];

beforeAll(async () => {
  work = await tempDir();
  const model = await writeContractModel(work.path);
  const images = await contractImages(work.path);
  server = await startDemoServer({ model, port: 0 });
  browser = await launchChromium({ webgpu: false });
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const script = await readFile(PAGE_SCRIPT);
  await page.route('**/contract.html', (route) => route.fulfill({ body: PAGE, contentType: 'text/html' }));
  await page.route('**/contract.js', (route) => route.fulfill({ body: script, contentType: 'text/javascript' }));
  await page.goto(`${server.url}contract.html`);
  await page.waitForSelector('body[data-state=ready]', { state: 'attached', timeout: 60_000 });
  const sent = images.pngs.map((png, i) => ({ png: Array.from(png), pixels: Array.from(images.pixels[i]!) }));
  await page.evaluate((sent) => contract.setImages(sent), sent);
  subject = {
    images,
    provider: 'wasm',
    unavailable: ['webgpu'],
    open: async ({ fallback }) => handleOf(await page.evaluate((providers) => contract.open(providers), fallback ? ['webgpu', 'wasm'] : ['wasm'])),
    openUnavailable: () => page.evaluate(() => contract.openFailing(['webgpu'])),
    deprecated: DEPRECATED,
    warnings: () => page.evaluate(() => [...contract.warnings]),
  };
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await work?.remove();
  expect(pageErrors).toEqual([]);
});

classifierContract('loadClassifier (onnxruntime-web in Chromium)', () => subject);
