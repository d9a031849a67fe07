/**
 * @mlpx/infer installed as a user installs it: `npm pack` the core and infer packages, install the
 * two tarballs into an empty folder from npm's cache alone (--offline), and classify a PNG there
 * with createClassifier. The install must hold nothing of TensorFlow.js, WebGPU or the exporter,
 * and `mlpx infer` in the repo must never load TensorFlow.js.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../packages/infer/src/classifier.js';
import { expectClose } from '../helpers/closeness.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { REPO_ROOT, runCli, trainAndExport } from '../helpers/run-cli.js';
import { fashionMnist } from '../helpers/trained-models.js';

const run = promisify(execFile);

/** The environment without what `npm test` sets for its scripts (npm_*), so npm runs as a user's would. */
function userEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  // onnxruntime-node's install script would fetch the CUDA provider from NuGet, unreachable here.
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };
}

let work: Awaited<ReturnType<typeof tempDir>>;
let model: string;
let image: string;
let app: string;

beforeAll(async () => {
  work = await tempDir();
  model = await trainAndExport(work.path, ['--model', 'mixer', '--limit', '600', '--embedding-dim', '32', '--blocks', '1']);
  const data = await fashionMnist();
  image = join(work.path, 'test-image-0.png');
  await sharp(data.test.images.subarray(0, 28 * 28), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(image);
  const packed = JSON.parse(
    (await run('npm', ['pack', '--workspace', 'packages/core', '--workspace', 'packages/infer', '--pack-destination', work.path, '--json'], { cwd: REPO_ROOT, env: userEnvironment(), maxBuffer: 16 << 20 })).stdout,
  ) as { filename: string }[];
  app = join(work.path, 'app');
  await run('mkdir', ['-p', app]);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...packed.map((p) => join(work.path, p.filename))], { cwd: app, env: userEnvironment(), maxBuffer: 16 << 20 });
}, 600_000);

afterAll(async () => {
  await work?.remove();
});

describe('@mlpx/infer from its tarball, in an empty folder, offline', () => {
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
        'await classifier.close();',
        'console.log(JSON.stringify({ provider: classifier.executionProvider, predictions: result.predictions, probabilities: [...result.probabilities] }));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [script], { cwd: app, env: userEnvironment() });
    const installed = JSON.parse(stdout) as { provider: string; predictions: { label: string; index: number }[]; probabilities: number[] };
    const classifier = await createClassifier(model);
    const [expected] = await classifier.classify([image], { topK: 3 });
    await classifier.close();
    expect(installed.provider).toBe('cpu');
    expect(installed.predictions.map((p) => p.label)).toEqual(expected!.predictions.map((p) => p.label));
    expectClose(Float32Array.from(installed.probabilities), expected!.probabilities, { relative: 1e-6, scaleFloor: 1, what: 'packed install vs repo' });
  });
});

describe('mlpx infer', () => {
  it('never loads TensorFlow.js', async () => {
    const record = join(work.path, 'modules.txt');
    const result = await runCli(['infer', '--model', model, image], { env: { NODE_OPTIONS: `--import ${join(REPO_ROOT, 'test', 'helpers', 'record-module-loads.mjs')}`, MLPX_RECORD_MODULE_LOADS: record } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(record)).toBe(true);
    const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.includes('/onnxruntime-node/'))).toBe(true); // the hook saw the command's modules
    expect(loaded.filter((url) => /@tensorflow|\/webgpu\/|@mlpx\/(train|export)|packages\/(train|export)\//.test(url))).toEqual([]);
  }, 120_000);
});
