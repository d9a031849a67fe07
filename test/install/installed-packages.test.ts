/**
 * mlpx as a user installs it from npm: every workspace packed with `npm pack`, the tarballs
 * installed into an empty folder and globally (`npm install -g --prefix`), with the README's
 * install line (ONNXRUNTIME_NODE_INSTALL=skip) and NuGet out of reach. There, `mlpx quickstart`
 * runs the whole pipeline, `mlpx doctor` reports, `mlpx serve` serves the demo page that classifies
 * in Chromium as onnxruntime-node does, and `mlpx setup tensorflow` builds an engine training
 * then runs on. Nothing resolves through this repository's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { npmInstall, packWorkspaces, userEnvironment, type PackedPackage } from '../helpers/packed-packages.js';
import { readJson, workspacePackages } from '../helpers/package-imports.js';
import { REPO_ROOT, STACK_LINE } from '../helpers/run-cli.js';
import { TENSORFLOW_REQUIRED, tensorflowInstall } from '../helpers/tensorflow.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an installed `mlpx` (its bin script, as the shell would) in `cwd`. */
function runInstalled(bin: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env: userEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `mlpx serve` and resolves with its URL once it says where it serves. */
function startServe(bin: string, model: string, cwd: string, port: number): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', model, '--port', String(port)], { cwd, env: userEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`mlpx serve did not start:\n${output}`)), 60_000);
    const read = (d: Buffer): void => {
      output += d.toString();
      const url = /at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`mlpx serve exited with ${code}:\n${output}`));
    });
  });
}

let work: Awaited<ReturnType<typeof tempDir>>;
let packed: PackedPackage[];
let png: Buffer;

beforeAll(async () => {
  work = await tempDir();
  packed = await packWorkspaces(
    work.path,
    workspacePackages().map((p) => p.folder),
  );
  const data = await loadDataset('fashion-mnist-sample', { limit: 1 });
  png = await sharp(data.test.images.subarray(0, 28 * 28), { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toBuffer();
  console.log(`tarballs: ${packed.map((p) => `${p.name} ${(p.size / 1e6).toFixed(2)} MB (${(p.unpackedSize / 1e6).toFixed(2)} MB unpacked)`).join(', ')}`);
}, 300_000);

afterAll(async () => {
  await work?.remove();
});

describe.each([
  ['into an empty folder', 'local'],
  ['globally (npm install -g --prefix)', 'global'],
] as const)('the packed packages installed %s', (_, kind) => {
  let bin: string;
  let cwd: string;
  let model: string;
  let installRoot: string;
  /**
   * The engine folder of this install's own (MLPX_TENSORFLOW_DIR): empty until `mlpx setup
   * tensorflow` below builds one, so that the installed mlpx never loads (and relinks) the engine
   * the other tests of this suite train on.
   */
  let engine: Record<string, string>;

  beforeAll(async () => {
    const root = join(work.path, kind);
    engine = { MLPX_TENSORFLOW_DIR: join(root, 'engine') };
    cwd = join(root, 'work');
    await mkdir(cwd, { recursive: true });
    if (kind === 'local') {
      installRoot = join(root, 'app');
      await mkdir(installRoot, { recursive: true });
      await writeFile(join(installRoot, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
      await npmInstall(
        packed.map((p) => p.path),
        { folder: installRoot },
      );
      bin = join(installRoot, 'node_modules', '.bin', 'mlpx');
      installRoot = join(installRoot, 'node_modules');
    } else {
      const prefix = join(root, 'prefix');
      await mkdir(prefix, { recursive: true });
      await npmInstall(
        packed.map((p) => p.path),
        { prefix },
      );
      bin = join(prefix, 'bin', 'mlpx');
      installRoot = join(prefix, 'lib', 'node_modules');
    }
  }, 600_000);

  it('installed every package from its tarball, not from this repository, without the NuGet download', async () => {
    expect(existsSync(bin), bin).toBe(true);
    const scoped = await readdir(join(installRoot, '@mlpx'));
    for (const name of ['core', 'train', 'export', 'infer', 'web']) expect(scoped).toContain(name);
    for (const name of scoped) expect(await realpath(join(installRoot, '@mlpx', name))).not.toContain(REPO_ROOT);
    const ort = readJson<{ version: string }>(join(await onnxruntimeFolder(installRoot), 'package.json'));
    expect(ort.version).toBe('1.30.0');
  });

  it('runs `mlpx quickstart` end to end', async () => {
    const result = await runInstalled(bin, ['quickstart', '--out', 'runs/quick'], cwd, engine);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toMatch(/agrees: top-1 differs by [\d.]+ points/);
    expect(result.stderr).toMatch(/quickstart done in/);
    model = join(cwd, 'runs', 'quick', 'model.onnx');
    expect(existsSync(model)).toBe(true);
  }, 300_000);

  it('runs `mlpx doctor`', async () => {
    const result = await runInstalled(bin, ['doctor'], cwd, engine);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/wasm\s+@tensorflow\/tfjs-backend-wasm 4\.22\.0/);
    expect(result.stdout).toMatch(/cpu\s+available/);
    expect(result.stdout + result.stderr).not.toMatch(/see the README/);
    expect(result.stderr).not.toMatch(STACK_LINE);
  }, 120_000);

  it('serves the demo page with `mlpx serve`, which classifies in Chromium as onnxruntime-node does', async () => {
    expect(model, 'the quickstart model').toBeTruthy();
    const server = await startServe(bin, model, cwd, await freePort());
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      const html = await page.goto(server.url);
      expect(html?.status()).toBe(200);
      await page.route('**/test-image.png', (route) =>
        route.fulfill({ body: png, contentType: 'image/png', headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } }),
      );
      await page.goto(`${server.url}?ep=wasm`);
      await page.waitForSelector('body[data-state]', { timeout: 120_000 });
      expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');
      const ranked = await page.evaluate(
        (url) =>
          (globalThis as unknown as { mlpxDemo: { rankAllClasses(u: string): Promise<{ index: number; probability: number }[]> } }).mlpxDemo.rankAllClasses(
            url,
          ),
        '/test-image.png',
      );
      const classifier = await createClassifier(model);
      const [expected] = await classifier.classify([new Uint8Array(png)]);
      await classifier.release();
      expect(ranked[0]!.index).toBe(expected!.predictions[0]!.index);
      expect(Math.abs(ranked[0]!.probability - expected!.predictions[0]!.probability)).toBeLessThan(1e-3);
    } finally {
      await browser.close();
      server.child.kill('SIGTERM');
    }
  }, 300_000);

  // Building an engine compiles tfjs-node's addon (about a minute); it is built against the
  // TensorFlow this machine's own engine runs on (--from), so no download is needed, into a
  // folder of the test's own so the engine the other tests use is left alone.
  it.runIf(kind === 'global' && (TENSORFLOW_REQUIRED || tensorflowInstall !== undefined))(
    'builds native TensorFlow with `mlpx setup tensorflow`, and trains on it',
    async () => {
      expect(tensorflowInstall, 'this machine has no engine to take TensorFlow from: run `npx mlpx setup tensorflow`').toBeDefined();
      const setup = await runInstalled(bin, ['setup', 'tensorflow', '--from', tensorflowInstall!.libraryDir], cwd, engine);
      expect(setup.code, setup.stderr + setup.stdout).toBe(0);
      expect(setup.stdout + setup.stderr).toMatch(/is set up in/);
      const trained = await runInstalled(
        bin,
        [
          'train',
          '--backend',
          'tensorflow',
          '--dataset',
          'fashion-mnist-sample',
          '--limit',
          '256',
          '--epochs',
          '1',
          '--embedding-dim',
          '16',
          '--blocks',
          '1',
          '--out',
          'runs/tf',
        ],
        cwd,
        engine,
      );
      expect(trained.code, trained.stderr).toBe(0);
      expect(trained.stdout + trained.stderr).toMatch(/TensorFlow 2\.\d+/);
    },
    600_000,
  );
});

/** onnxruntime-node's folder as the installed @mlpx/infer resolves it. */
async function onnxruntimeFolder(nodeModules: string): Promise<string> {
  for (const candidate of [
    join(nodeModules, 'onnxruntime-node'),
    join(nodeModules, '@mlpx', 'infer', 'node_modules', 'onnxruntime-node'),
    join(nodeModules, 'mlpx', 'node_modules', 'onnxruntime-node'),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no onnxruntime-node under ${nodeModules}`);
}
