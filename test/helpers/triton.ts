/**
 * Tests against a real Triton Inference Server (test/triton/) need tritonserver with Triton's ONNX
 * Runtime backend and tritonclient, which test/tools/triton/triton.mjs prepares in a cache folder
 * from PyPI and the Triton sources that MLPX_TRITON_SOURCES names (test/tools/triton/README.md).
 * CI has them and sets MLPX_REQUIRE_TRITON=1: there the tests always run, and fail if anything is
 * missing. Elsewhere they run when everything is there, and are skipped, with one line saying what
 * is missing and how to get it, when not.
 *
 * Also here: the model the tests serve (a short `mlpx train`, then `mlpx export --triton`), and
 * `mlpx serve` as a process, started and stopped like tritonserver.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'vitest';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import {
  prepareTriton,
  startProcess,
  startTritonServer,
  TritonUnavailable,
  waitForReady,
  type RunningTriton,
  type TritonInstall,
} from '../tools/triton/triton.mjs';
import { tempDir } from './dataset-fixtures.js';
import { REPO_ROOT, runCli, TINY_GMLP, trainTiny } from './run-cli.js';

export { runOipClient, type ClientReport, type ClientError } from '../tools/triton/triton.mjs';

const TRITON_REQUIRED = process.env.MLPX_REQUIRE_TRITON === '1';

let install: TritonInstall | undefined;
let unavailable: string | undefined;
/** What prepareTriton threw, other than TritonUnavailable. */
let failure: { readonly error: unknown } | undefined;
try {
  install = await prepareTriton();
} catch (error) {
  if (error instanceof TritonUnavailable) unavailable = error.message;
  else failure = { error };
}

/** `describe` for tests that need Triton; `describe.skip` when it is missing and not required. */
export const describeWithTriton: typeof describe = install || failure || TRITON_REQUIRED ? describe : (describe.skip as typeof describe);

if (unavailable && !TRITON_REQUIRED) process.stderr.write(`tests against Triton skipped: ${unavailable}\n`);

/** The venv and backend; throws (in a test, failing it) with what is missing or what went wrong. */
export function tritonInstall(): TritonInstall {
  if (install) return install;
  if (failure) throw failure.error;
  throw new Error(`MLPX_REQUIRE_TRITON=1, but ${unavailable}`);
}

export interface ServedModel {
  readonly folder: string;
  /** The Triton repository `mlpx export --triton` wrote, and its one model. */
  readonly repository: string;
  readonly modelName: string;
  /** REPO/<name>/1/model.onnx. */
  readonly onnx: string;
  readonly labels: readonly string[];
  /** [count, height, width, channels] of `images`. */
  readonly shape: readonly [number, number, number, number];
  /** `count` Fashion-MNIST test images, float32 0-255 NHWC, and the same as a file (oip_client.py's --images). */
  readonly images: Float32Array;
  readonly imagesFile: string;
  /** onnxruntime-node's answers (createClassifier's run of the batch), [count * classes] each. */
  readonly expected: { readonly logits: Float32Array; readonly probabilities: Float32Array };
  /** Image i alone, [1, H, W, C], and its answer alone. */
  image(i: number): Float32Array;
  readonly expectedAlone: readonly Float32Array[];
  remove(): Promise<void>;
}

/** The model's name, with --max-queue-delay-us 5000, that servedModel's `batching` adds to the repository. */
export const BATCHING_SUFFIX = '-batching';

/**
 * A briefly trained gMLP (Fashion-MNIST sample, 28x28x1, 10 classes), exported by
 * `mlpx export --triton` with its default flags: the repository a user would deploy, served
 * unchanged. With `batching`, a second export of the same run goes into the same repository as
 * <name>-batching with a queue delay of 5 ms: long enough that requests sent at once from Python
 * meet in a batch on a busy machine, where the default 100 µs is shorter than the time
 * tritonclient takes to send each one.
 */
export async function servedModel(count = 8, { batching = false }: { batching?: boolean } = {}): Promise<ServedModel> {
  const work = await tempDir();
  const run = join(work.path, 'run');
  await trainTiny(work.path, run, TINY_GMLP);
  const repository = join(work.path, 'repository');
  const exported = await runCli(['export', '--run', run, '--triton', repository], { cwd: work.path });
  if (exported.code !== 0) throw new Error(`mlpx export --triton failed:\n${exported.stderr}`);
  const folders = (await readdir(repository, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  if (folders.length !== 1) throw new Error(`mlpx export --triton wrote ${folders.length} model folders in ${repository}: ${folders.join(', ')}`);
  const modelName = folders[0]!;
  if (batching) {
    const again = await runCli(
      ['export', '--run', run, '--triton', repository, '--model-name', `${modelName}${BATCHING_SUFFIX}`, '--max-queue-delay-us', '5000'],
      { cwd: work.path },
    );
    if (again.code !== 0) throw new Error(`mlpx export --triton --model-name ${modelName}${BATCHING_SUFFIX} failed:\n${again.stderr}`);
  }
  const onnx = join(repository, modelName, '1', 'model.onnx');

  const classifier = await createClassifier(onnx);
  const { height, width, channels } = classifier.inputSize;
  const pixels = height * width * channels;
  const data = await loadDataset('fashion-mnist-sample', { limit: Math.max(count, 16) });
  const images = Float32Array.from(data.test.images.subarray(0, count * pixels));
  const expected = await classifier.run(images, count);
  const image = (i: number): Float32Array => images.slice(i * pixels, (i + 1) * pixels);
  const expectedAlone: Float32Array[] = [];
  for (let i = 0; i < count; i++) expectedAlone.push((await classifier.run(image(i), 1)).logits);
  const labels = classifier.labels;
  await classifier.release();
  const imagesFile = join(work.path, 'images.f32');
  await writeFile(imagesFile, new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
  return {
    folder: work.path,
    repository,
    modelName,
    onnx,
    labels,
    shape: [count, height, width, channels],
    images,
    imagesFile,
    expected,
    image,
    expectedAlone,
    remove: work.remove,
  };
}

export interface RunningServer {
  readonly name: 'tritonserver' | 'mlpx serve';
  /** http://127.0.0.1:PORT, no trailing slash. */
  readonly url: string;
  readonly pid: number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/** tritonserver on the repository (the ONNX Runtime backend), ready. */
export async function startTriton(repository: string, args: readonly string[] = []): Promise<RunningServer> {
  const server: RunningTriton = await startTritonServer(tritonInstall(), repository, { args });
  return { name: 'tritonserver', url: server.url, pid: server.pid, output: server.output, stop: server.stop };
}

const MLPX = join(REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');

/**
 * `mlpx serve TARGET --port 0` (a model file or a Triton repository) as a user runs it: the URL is
 * read from the line it prints (`serving ... at http://HOST:PORT/ ...`), then /v2/health/ready is
 * awaited. Stopped like tritonserver (SIGTERM, then SIGKILL), and tied to this process's life.
 */
export async function startMlpxServe(target: string, args: readonly string[] = []): Promise<RunningServer> {
  const server = startProcess({
    python: tritonInstall().python,
    command: process.execPath,
    args: [MLPX, 'serve', target, '--port', '0', ...args],
    cwd: REPO_ROOT,
  });
  try {
    const deadline = performance.now() + 60_000;
    let url: string | undefined;
    while (!url) {
      url = /serving .* at (http:\/\/[^\s/]+)/.exec(server.output())?.[1];
      if (url) break;
      if (server.exitCode() !== undefined) throw new Error(`mlpx serve ended (${server.exitCode()}) before it said where it serves:\n${server.output()}`);
      if (performance.now() > deadline) throw new Error(`mlpx serve did not say where it serves in 60 s:\n${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitForReady(`${url}/v2/health/ready`, server, 'mlpx serve');
    return { name: 'mlpx serve', url, pid: server.pid, output: server.output, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
