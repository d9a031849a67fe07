/**
 * @mlpx/infer installed as a user installs it: `npm pack` the core and infer packages, install the
 * two tarballs into an empty folder (registry packages from npm's cache where it has them, else
 * from the registry: CI's cache starts empty), and classify a PNG there with createClassifier. The install must hold nothing of TensorFlow.js, WebGPU or the exporter,
 * and `mlpx infer` in the repo must never load TensorFlow.js.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { expectClose } from '../helpers/closeness.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { npmInstall, packWorkspaces, userEnvironment } from '../helpers/packed-packages.js';
import { REPO_ROOT, runCli, trainAndExport } from '../helpers/run-cli.js';
import { fashionMnist } from '../helpers/trained-models.js';

const run = promisify(execFile);

let work: Awaited<ReturnType<typeof tempDir>>;
let model: string;
let image: string;
let app: string;

beforeAll(async () => {
  work = await tempDir();
  model = await trainAndExport(work.path, ['--model', 'mixer', '--limit', '600', '--embedding-dim', '32', '--blocks', '1']);
  const data = await fashionMnist();
  image = join(work.path, 'test-image-0.png');
  await sharp(data.test.images.subarray(0, 28 * 28), { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toFile(image);
  const packed = await packWorkspaces(work.path, ['packages/core', 'packages/infer']);
  app = join(work.path, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await npmInstall(
    packed.map((p) => p.path),
    { folder: app },
  );
}, 600_000);

afterAll(async () => {
  await work?.remove();
});

describe('@mlpx/infer from its tarball, in an empty folder', () => {
  it('installs nothing of TensorFlow.js, WebGPU, training or the exporter', async () => {
    const installed = await readdir(join(app, 'node_modules'));
    expect(installed).toContain('onnxruntime-node');
    expect(installed).toContain('sharp');
    expect(installed).not.toContain('@tensorflow');
    expect(installed).not.toContain('webgpu');
    expect(installed).not.toContain('onnxruntime-web');
    expect((await readdir(join(app, 'node_modules', '@mlpx'))).sort()).toEqual(['core', 'infer']);
  });

  it('classifies a PNG with createClassifier, as the repo does', async () => {
    const script = join(app, 'classify.mjs');
    await writeFile(
      script,
      [
        "import { createClassifier } from '@mlpx/infer';",
        `const classifier = await createClassifier(${JSON.stringify(model)});`,
        `const [result] = await classifier.classify([${JSON.stringify(image)}], { topK: 3 });`,
        'await classifier.release();',
        'console.log(JSON.stringify({ provider: classifier.executionProvider, predictions: result.predictions, probabilities: [...result.probabilities] }));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [script], { cwd: app, env: userEnvironment() });
    const installed = JSON.parse(stdout) as { provider: string; predictions: { label: string; index: number }[]; probabilities: number[] };
    const classifier = await createClassifier(model);
    const [expected] = await classifier.classify([image], { topK: 3 });
    await classifier.release();
    expect(installed.provider).toBe('cpu');
    expect(installed.predictions.map((p) => p.label)).toEqual(expected!.predictions.map((p) => p.label));
    expectClose(Float32Array.from(installed.probabilities), expected!.probabilities, { relative: 1e-6, scaleFloor: 1, what: 'packed install vs repo' });
  });
});

describe('mlpx infer', () => {
  it('never loads TensorFlow.js', async () => {
    const record = join(work.path, 'modules.txt');
    const result = await runCli(['infer', '--model', model, image], {
      env: { NODE_OPTIONS: `--import ${join(REPO_ROOT, 'test', 'helpers', 'record-module-loads.mjs')}`, MLPX_RECORD_MODULE_LOADS: record },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(record)).toBe(true);
    const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.includes('/onnxruntime-node/'))).toBe(true); // the hook saw the command's modules
    expect(loaded.filter((url) => /@tensorflow|\/webgpu\/|@mlpx\/(train|export)|packages\/(train|export)\//.test(url))).toEqual([]);
  }, 120_000);
});
