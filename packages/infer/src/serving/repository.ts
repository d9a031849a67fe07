/**
 * What `mlpx serve` serves, from its argument: one .onnx file (one model, version "1"), or a
 * model repository folder in the layout `mlpx export --triton` writes and tritonserver's
 * --model-repository reads (REPO/<name>/<version>/model.onnx, with config.pbtxt and labels.txt
 * beside the versions). Every model folder and every numeric version folder is served.
 *
 * A model's config.pbtxt, when present, decides as it does in Triton: its max_batch_size (0: no
 * limit, each request runs alone), whether requests are gathered into batches (only with a
 * dynamic_batching block) and after how long (max_queue_delay_microseconds), and which outputs
 * carry labels for the classification extension (those with a label_filename). Without a
 * config.pbtxt, or without max_batch_size in it, the server's flags decide and both outputs carry
 * the labels recorded in the model.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LOGITS_NAME, MlpxError, PROBABILITIES_NAME, describeError } from '@mlpx/core';
import { readModel } from '../model/read-model.js';
import { parseModelConfig, type ModelConfig } from './model-config.js';

/** How one model version's requests are batched. */
export interface BatchingPolicy {
  /** The largest batch a request may have and a run may gather; Infinity when config.pbtxt says 0. */
  readonly maxBatchSize: number;
  /** Whether concurrent requests are gathered into one run. */
  readonly gather: boolean;
  readonly maxQueueDelayMicroseconds: number;
}

export interface ServedVersion {
  readonly model: string;
  readonly version: string;
  /** The .onnx file. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** [height, width, channels] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly labels: readonly string[];
  /** Output name → the labels its classification strings carry (none for an output not listed). */
  readonly outputLabels: ReadonlyMap<string, readonly string[]>;
  readonly batching: BatchingPolicy;
  /** The config.pbtxt read, if any. */
  readonly configFile: string | undefined;
}

export interface ServedModel {
  readonly name: string;
  /** Ascending by version number; the last is the one an unversioned request gets. */
  readonly versions: readonly ServedVersion[];
}

export interface ModelSource {
  readonly kind: 'file' | 'repository';
  readonly path: string;
  /** Sorted by name. */
  readonly models: readonly ServedModel[];
}

export interface SourceOptions {
  /** For a single file: the model's name (default: the file name without .onnx). */
  readonly modelName?: string;
  /** Used where no config.pbtxt says otherwise. */
  readonly maxBatchSize: number;
  readonly maxQueueDelayMicroseconds: number;
}

const MODEL_FILE = 'model.onnx';
const CONFIG_FILE = 'config.pbtxt';

async function readLabelFile(file: string, classes: number, output: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MlpxError(`cannot read ${file}, the label_filename of output ${output}: ${describeError(error)}`);
  }
  const labels = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (labels.at(-1) === '') labels.pop();
  if (labels.length !== classes) throw new MlpxError(`${file} has ${labels.length} labels for the model's ${classes} classes`);
  return labels;
}

async function readVersion(
  name: string,
  version: string,
  path: string,
  config: { file: string; folder: string; parsed: ModelConfig } | undefined,
  options: SourceOptions,
): Promise<ServedVersion> {
  const model = await readModel(path);
  const classes = model.labels.length;
  const outputLabels = new Map<string, readonly string[]>();
  let batching: BatchingPolicy = { maxBatchSize: options.maxBatchSize, gather: true, maxQueueDelayMicroseconds: options.maxQueueDelayMicroseconds };
  if (!config) {
    outputLabels.set(LOGITS_NAME, model.labels);
    outputLabels.set(PROBABILITIES_NAME, model.labels);
  } else {
    for (const [output, labelFile] of config.parsed.labelFiles) {
      if (output !== LOGITS_NAME && output !== PROBABILITIES_NAME) continue;
      outputLabels.set(output, await readLabelFile(join(config.folder, labelFile), classes, output));
    }
    const { maxBatchSize, dynamicBatching } = config.parsed;
    if (maxBatchSize !== undefined) {
      batching = {
        maxBatchSize: maxBatchSize === 0 ? Infinity : maxBatchSize,
        gather: maxBatchSize > 0 && dynamicBatching !== undefined,
        maxQueueDelayMicroseconds: dynamicBatching?.maxQueueDelayMicroseconds ?? 0,
      };
    } else if (dynamicBatching) {
      batching = { ...batching, maxQueueDelayMicroseconds: dynamicBatching.maxQueueDelayMicroseconds };
    }
  }
  return {
    model: name,
    version,
    path,
    bytes: model.bytes,
    inputShape: model.inputShape,
    classes,
    labels: model.labels,
    outputLabels,
    batching,
    configFile: config?.file,
  };
}

async function readRepositoryModel(repository: string, name: string, options: SourceOptions): Promise<ServedModel> {
  const folder = join(repository, name);
  const configFile = join(folder, CONFIG_FILE);
  let config: { file: string; folder: string; parsed: ModelConfig } | undefined;
  const configText = await readFile(configFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new MlpxError(`cannot read ${configFile}: ${describeError(error)}`);
  });
  if (configText !== undefined) {
    const parsed = parseModelConfig(configText, configFile);
    if (parsed.name !== undefined && parsed.name !== name) {
      throw new MlpxError(`${configFile} names the model '${parsed.name}', but its folder is ${name}: Triton requires them to match`);
    }
    config = { file: configFile, folder, parsed };
  }
  const entries = await readdir(folder, { withFileTypes: true });
  const versionFolders = entries.filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name);
  versionFolders.sort((a, b) => Number(a) - Number(b));
  if (versionFolders.length === 0) {
    throw new MlpxError(`model folder ${folder} has no version folder: put the model at ${join(folder, '1', MODEL_FILE)}`);
  }
  const versions: ServedVersion[] = [];
  for (const version of versionFolders) {
    const path = join(folder, version, MODEL_FILE);
    if (!(await stat(path).catch(() => undefined))?.isFile()) throw new MlpxError(`version folder ${join(folder, version)} has no ${MODEL_FILE}`);
    versions.push(await readVersion(name, String(Number(version)), path, config, options));
  }
  return { name, versions };
}

/** Reads what `path` holds: a directory is a model repository, a file one model. */
export async function readModelSource(path: string, options: SourceOptions): Promise<ModelSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new MlpxError(`${path} does not exist: give an .onnx file written by mlpx export, or a model repository folder (mlpx export --triton)`);
  if (info.isDirectory()) {
    if (options.modelName !== undefined)
      throw new MlpxError(`--model-name names the model of one .onnx file; in the repository ${path} each model is named by its folder`);
    const entries = await readdir(path, { withFileTypes: true });
    const names = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
    if (names.length === 0) throw new MlpxError(`the model repository ${path} has no model folders (expected ${join(path, '<name>', '1', MODEL_FILE)})`);
    const models: ServedModel[] = [];
    for (const name of names) models.push(await readRepositoryModel(path, name, options));
    return { kind: 'repository', path, models };
  }
  const name = options.modelName ?? basename(path).replace(/\.onnx$/i, '');
  if (!/^[^/\\]+$/.test(name)) throw new MlpxError(`--model-name: '${name}' cannot name a model (no slashes, not empty)`);
  const version = await readVersion(name, '1', path, undefined, options);
  return { kind: 'file', path, models: [{ name, versions: [version] }] };
}
