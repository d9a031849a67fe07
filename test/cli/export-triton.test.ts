/**
 * `mlpx export --triton REPO` as a user runs it: the built CLI on a run folder written by
 * `mlpx train`, into a Triton model repository; each config.pbtxt written is read back with
 * Google's protobuf text format parser on Triton's own schema (test/helpers/model-config-reader.ts).
 */
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelInfo } from '@mlpx/core/src/onnx/model-info.js';
import { tritonModelConfig } from '@mlpx/export/src/triton/model-config.js';
import { DEFAULT_TRITON_SETTINGS, type TritonSettings } from '@mlpx/export/src/triton/triton-settings.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { readModelConfig, type ModelConfigJson } from '../helpers/model-config-reader.js';
import { checkOnnxModel } from '../helpers/onnx-checker.js';
import { runCli, STACK_LINE, TINY_SIZES, trainTiny, type CliResult } from '../helpers/run-cli.js';

const NAME = 'mixer-fashion-mnist-sample';

let work: Awaited<ReturnType<typeof tempDir>>;
let run: string;
let repo: string;
let labels: string[];

beforeAll(async () => {
  work = await tempDir();
  run = join(work.path, 'runs', 'mixer-fm');
  repo = join(work.path, 'repo');
  await trainTiny(work.path, run, ['--model', 'mixer', ...TINY_SIZES]);
  labels = JSON.parse(await readFile(join(run, 'labels.json'), 'utf8')) as string[];
}, 120_000);
afterAll(async () => {
  await work.remove();
});

function exportTriton(args: readonly string[], env?: Record<string, string>): Promise<CliResult> {
  return runCli(['export', '--run', run, '--triton', 'repo', ...args], { cwd: work.path, ...(env ? { env } : {}) });
}

/** Every file under `folder` (hidden ones too) with its bytes, by path relative to it. */
async function snapshot(folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(folder, path), entry.isFile() ? (await readFile(path)).toString('base64') : 'folder');
  }
  return files;
}

async function config(model: string): Promise<ModelConfigJson> {
  return readModelConfig(await readFile(join(repo, model, 'config.pbtxt'), 'utf8'));
}

async function expectRefused(result: CliResult, message: RegExp, before: Map<string, string>): Promise<void> {
  expect(result.code, result.stdout).toBe(1);
  expect(result.stderr).not.toMatch(STACK_LINE);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('mlpx: error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  // Nothing written, replaced or left behind (no temporary folder either).
  expect(await snapshot(repo)).toEqual(before);
}

describe('mlpx export --triton', () => {
  it('writes a model repository: the verified model as version 1, labels.txt, config.pbtxt and the KServe manifest', async () => {
    const result = await exportTriton(['--storage-uri', 's3://bucket/models']);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^wrote repo/${NAME}/1/model\\.onnx: version 1 of ${NAME}, opset 17, \\d+ nodes`)),
      expect.stringMatching(/^verified against TensorFlow\.js on 16 images .*top-1 agreement 100\.0%$/),
      `wrote repo/${NAME}/labels.txt: 10 labels, one a line in class-index order`,
      `wrote repo/${NAME}/config.pbtxt: max_batch_size 64, dynamic batching, 1 CPU instance`,
      `wrote repo/inferenceservice-${NAME}.yaml: KServe InferenceService ${NAME} (kserve-tritonserver, v2 protocol)`,
      `serve it with Triton: tritonserver --model-repository=${resolve(repo)}`,
      'or with mlpx: mlpx serve repo',
      `deploy it on KServe, once repo is uploaded to its storageUri: kubectl apply -f repo/inferenceservice-${NAME}.yaml`,
    ]);
    expect(result.stderr).not.toMatch(/placeholder/);
    expect([...(await snapshot(repo)).keys()].sort()).toEqual([
      `inferenceservice-${NAME}.yaml`,
      NAME,
      `${NAME}/1`,
      `${NAME}/1/model.onnx`,
      `${NAME}/config.pbtxt`,
      `${NAME}/labels.txt`,
    ]);

    const model = new Uint8Array(await readFile(join(repo, NAME, '1', 'model.onnx')));
    await checkOnnxModel(model);
    const info = parseModelInfo(model, 'model.onnx');
    expect(info.labels).toEqual(labels);
    expect(await readFile(join(repo, NAME, 'labels.txt'), 'utf8')).toBe(labels.map((label) => `${label}\n`).join(''));
    expect(await config(NAME)).toEqual({
      name: NAME,
      backend: 'onnxruntime',
      max_batch_size: 64,
      input: [{ name: 'images', data_type: 'TYPE_FP32', dims: ['28', '28', '1'] }],
      output: [
        { name: 'logits', data_type: 'TYPE_FP32', dims: ['10'] },
        { name: 'probabilities', data_type: 'TYPE_FP32', dims: ['10'], label_filename: 'labels.txt' },
      ],
      dynamic_batching: { max_queue_delay_microseconds: '100' },
      instance_group: [{ kind: 'KIND_CPU', count: 1 }],
    });
    const manifest = await readFile(join(repo, `inferenceservice-${NAME}.yaml`), 'utf8');
    expect(manifest).toContain(`metadata:\n  name: "${NAME}"\n`);
    expect(manifest).toContain('      storageUri: "s3://bucket/models"\n');
  });

  it('adds version 2 on a second export, keeping labels.txt, config.pbtxt and the manifest (and its storageUri)', async () => {
    const result = await exportTriton([]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^wrote repo/${NAME}/2/model\\.onnx: version 2 of ${NAME}, `, 'm'));
    expect(result.stdout).toContain(`kept repo/${NAME}/labels.txt (unchanged)`);
    expect(result.stdout).toContain(`kept repo/${NAME}/config.pbtxt (unchanged)`);
    expect(result.stdout).toContain(`kept repo/inferenceservice-${NAME}.yaml (unchanged)`);
    expect(await readdir(join(repo, NAME))).toEqual(expect.arrayContaining(['1', '2']));
    expect(await readFile(join(repo, `inferenceservice-${NAME}.yaml`), 'utf8')).toContain('storageUri: "s3://bucket/models"');
  });

  it('adds a model with another --model-name, here on GPU instances with TensorRT; without --storage-uri the manifest has a placeholder, and stderr says so', async () => {
    const result = await exportTriton([
      '--model-name',
      'second',
      '--instance-kind',
      'gpu',
      '--instance-count',
      '2',
      '--accelerator',
      'tensorrt',
      '--max-batch-size',
      '32',
      '--preferred-batch-sizes',
      '8,16',
      '--max-queue-delay-us',
      '500',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote repo/second/config.pbtxt: max_batch_size 32, dynamic batching, 2 GPU instances, tensorrt');
    expect(result.stderr).toMatch(/note: repo\/inferenceservice-second\.yaml has a placeholder storageUri: .*--storage-uri/);
    expect(await config('second')).toMatchObject({
      name: 'second',
      max_batch_size: 32,
      dynamic_batching: { preferred_batch_size: [8, 16], max_queue_delay_microseconds: '500' },
      instance_group: [{ kind: 'KIND_GPU', count: 2 }],
      optimization: { execution_accelerators: { gpu_execution_accelerator: [{ name: 'tensorrt' }] } },
    });
    const manifest = await readFile(join(repo, 'inferenceservice-second.yaml'), 'utf8');
    expect(manifest).toContain('nvidia.com/gpu: "1"');
    expect(manifest).toContain('"--load-model=second"');
    expect(await readdir(join(repo, 'second'))).toEqual(expect.arrayContaining(['1', 'config.pbtxt', 'labels.txt']));
    expect(await readdir(join(repo, NAME))).toEqual(expect.arrayContaining(['1', '2']));
  });

  it('writes the positional output too, the same bytes as the version', async () => {
    const result = await runCli(['export', '--run', run, 'both.onnx', '--triton', 'repo', '--model-name', 'third', '--storage-uri', 'gs://b/models'], {
      cwd: work.path,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('wrote both.onnx: the same model');
    expect(await readFile(join(work.path, 'both.onnx'))).toEqual(await readFile(join(repo, 'third', '1', 'model.onnx')));
  });
});

describe('mlpx export --triton refuses to replace what is there, unless --force', () => {
  it('an existing version: refused, then replaced with --force', async () => {
    const before = await snapshot(repo);
    await expectRefused(
      await exportTriton(['--model-version', '1']),
      new RegExp(`repo/${NAME}/1 already exists \\(versions there: 1, 2\\); leave out --model-version to add version 3, or use --force`),
      before,
    );
    const forced = await exportTriton(['--model-version', '1', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`^wrote repo/${NAME}/1/model\\.onnx: version 1 of ${NAME} \\(replaced\\), `, 'm'));
    expect((await readdir(join(repo, NAME))).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a config.pbtxt that differs (another max_batch_size): refused naming the file and the line, then replaced with --force', async () => {
    const before = await snapshot(repo);
    await expectRefused(
      await exportTriton(['--max-batch-size', '8']),
      new RegExp(
        `repo/${NAME}/config\\.pbtxt differs from what this export writes \\(line 4 is \`max_batch_size: 64\` there, \`max_batch_size: 8\` in this export\\); use --force to replace it, or --model-name`,
      ),
      before,
    );
    const forced = await exportTriton(['--max-batch-size', '8', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`replaced repo/${NAME}/config.pbtxt: max_batch_size 8`);
    expect(await config(NAME)).toMatchObject({ max_batch_size: 8 });
    expect(await readdir(join(repo, NAME))).toEqual(expect.arrayContaining(['1', '2', '3']));
  });

  it('labels.txt of other labels: refused naming the file and the first label that differs', async () => {
    const relabelled = join(work.path, 'runs', 'relabelled');
    await cp(run, relabelled, { recursive: true });
    await writeFile(join(relabelled, 'labels.json'), JSON.stringify(['tee', ...labels.slice(1)]));
    const before = await snapshot(repo);
    const result = await runCli(['export', '--run', relabelled, '--triton', 'repo', '--max-batch-size', '8'], { cwd: work.path });
    await expectRefused(
      result,
      new RegExp(`repo/${NAME}/labels\\.txt differs from what this export writes \\(line 1 is \`T-shirt/top\` there, \`tee\` in this export\\)`),
      before,
    );
  });

  it('a manifest with another storageUri', async () => {
    const before = await snapshot(repo);
    await expectRefused(
      await exportTriton(['--max-batch-size', '8', '--storage-uri', 'gs://elsewhere/models']),
      new RegExp(
        `repo/inferenceservice-${NAME}\\.yaml differs from what this export writes \\(line 14 is \`storageUri: "s3:\\/\\/bucket\\/models"\` there, \`storageUri: "gs:\\/\\/elsewhere\\/models"\` in this export\\)`,
      ),
      before,
    );
  });
});

describe('an interrupted export leaves no partial version', () => {
  it('one that fails its verification writes nothing and leaves no temporary file, in the repository or in TMPDIR', async () => {
    const temporary = join(work.path, 'tmp');
    await mkdir(temporary);
    const before = await snapshot(repo);
    const result = await exportTriton(['--max-batch-size', '8', '--tolerance', '1e-15'], { TMPDIR: temporary });
    await expectRefused(result, /disagrees with TensorFlow\.js.*the model for repo was not written/, before);
    expect((await readdir(temporary)).filter((name) => name.startsWith('mlpx-triton-'))).toEqual([]);
  });

  it('a version folder cut short (a crash before its rename) is one Triton ignores, and so does the next export', async () => {
    const cut = join(repo, NAME, '.mlpx-tmp-4-0123456789ab');
    await mkdir(cut);
    await writeFile(join(cut, 'model.onnx'), 'half a model');
    const result = await exportTriton(['--max-batch-size', '8']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^wrote repo/${NAME}/4/model\\.onnx: version 4 of `, 'm'));
    expect((await stat(join(repo, NAME, '4', 'model.onnx'))).size).toBeGreaterThan(1000);
  });
});

describe('mlpx export --triton with bad flags: one line naming the flag, before any export', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a model name KServe refuses',
      ['--model-name', 'Mixer_FM'],
      /--model-name "Mixer_FM" cannot name a Triton and KServe model: it must be lower case letters, digits and '-'/,
    ],
    ['TensorRT on CPU instances', ['--accelerator', 'tensorrt'], /--accelerator tensorrt runs on GPU instances: add --instance-kind gpu/],
    ['OpenVINO on GPU instances', ['--accelerator', 'openvino', '--instance-kind', 'gpu'], /--accelerator openvino runs on CPU instances/],
    [
      'a preferred batch size above the maximum',
      ['--max-batch-size', '16', '--preferred-batch-sizes', '8,32'],
      /--preferred-batch-sizes 8,32: 32 is larger than --max-batch-size 16/,
    ],
    ['a preferred batch size that is no number', ['--preferred-batch-sizes', '8,x'], /--preferred-batch-sizes.*expected positive integers separated by commas/],
    ['a storage URI without a scheme', ['--storage-uri', 'bucket/models'], /--storage-uri "bucket\/models": expected a URI such as s3:\/\/bucket\/models/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const before = await snapshot(repo);
      const result = await exportTriton(args);
      await expectRefused(result, message, before);
      expect(result.stderr).not.toMatch(/^exporting /m);
    });
  }
  it('a Triton flag without --triton', async () => {
    const result = await runCli(['export', '--run', run, '--model-name', 'x', 'x.onnx'], { cwd: work.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mlpx: error: --model-name needs --triton REPO/m);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
  it('a repository path that is a file', async () => {
    await writeFile(join(work.path, 'a-file'), '');
    const result = await runCli(['export', '--run', run, '--triton', 'a-file'], { cwd: work.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mlpx: error: --triton a-file is a file, not a folder/m);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});

describe("config.pbtxt is a ModelConfig of Triton's schema, read by protobuf's text format parser", () => {
  const variants: [string, Partial<TritonSettings>][] = [
    ['the defaults', {}],
    [
      'GPU instances with TensorRT and preferred batch sizes',
      { instanceKind: 'gpu', instanceCount: 2, accelerator: 'tensorrt', maxBatchSize: 32, preferredBatchSizes: [4, 8, 32] },
    ],
    ['CPU instances with OpenVINO and no queue delay', { accelerator: 'openvino', maxQueueDelayMicroseconds: 0, maxBatchSize: 1 }],
  ];
  for (const [what, settings] of variants) {
    it(what, async () => {
      const full = { ...DEFAULT_TRITON_SETTINGS, ...settings };
      const parsed = await readModelConfig(tritonModelConfig({ name: 'm', inputShape: [32, 32, 3], classes: 100, settings: full }));
      expect(parsed).toMatchObject({
        name: 'm',
        backend: 'onnxruntime',
        max_batch_size: full.maxBatchSize,
        input: [{ name: 'images', data_type: 'TYPE_FP32', dims: ['32', '32', '3'] }],
        output: [
          { name: 'logits', dims: ['100'] },
          { name: 'probabilities', dims: ['100'], label_filename: 'labels.txt' },
        ],
        instance_group: [{ kind: full.instanceKind === 'gpu' ? 'KIND_GPU' : 'KIND_CPU', count: full.instanceCount }],
      });
      expect((parsed['dynamic_batching'] as { preferred_batch_size?: number[] }).preferred_batch_size).toEqual(
        full.preferredBatchSizes.length > 0 ? full.preferredBatchSizes : undefined,
      );
      const accelerators = (parsed['optimization'] as { execution_accelerators?: Record<string, { name: string }[]> } | undefined)?.execution_accelerators;
      if (full.accelerator === 'none') expect(accelerators).toBeUndefined();
      else
        expect(accelerators).toEqual({
          [full.accelerator === 'tensorrt' ? 'gpu_execution_accelerator' : 'cpu_execution_accelerator']: [{ name: full.accelerator }],
        });
    });
  }
  it('the reader is strict: a field Triton does not have, or an unknown enum value, fails', async () => {
    await expect(readModelConfig('name: "m"\nmax_batch_size: 8\nlabel_file: "labels.txt"\n')).rejects.toThrow(/label_file/);
    await expect(readModelConfig('instance_group [ { kind: KIND_TPU } ]\n')).rejects.toThrow(/KIND_TPU/);
  });
});
