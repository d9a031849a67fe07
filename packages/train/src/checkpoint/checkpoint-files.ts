/**
 * A run's checkpoint: checkpoint.json (the settings, the model configuration, the training state
 * and a table of the tensors) and one binary file of little-endian float32/int32 data named in
 * it (checkpoint-<epoch>-<step>-<random>.bin). The binary file is written first under a new name,
 * then checkpoint.json is replaced atomically, then older binaries are removed: a crash at any
 * instant leaves a checkpoint.json that names a complete binary, the previous one or the new one.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MlpxError, writeFileAtomic } from '@mlpx/core';
import type { ModelConfig } from '../models/model-config.js';
import { hasPositionEmbedding } from '../models/model-families.js';
import type { TrainSettings } from '../training/recipe.js';
import type { FitState } from '../fit/fit.js';

export const CHECKPOINT_JSON = 'checkpoint.json';
const FORMAT = 'mlpx-checkpoint';
const VERSION = 1;
const BINARY = /^checkpoint-.*\.bin$/;
const TEMPORARY = /^\.checkpoint.*\.tmp-[0-9a-f]+$/;

/** The model weights, by name, as the checkpoint stores them. */
export type NamedWeights = ReadonlyMap<string, { values: Float32Array; shape: readonly number[] }>;

export interface Checkpoint {
  /** The binary file checkpoint.json names (set when read). */
  readonly binary?: string;
  readonly settings: TrainSettings;
  readonly modelConfig: ModelConfig;
  readonly weights: NamedWeights;
  readonly state: FitState;
  readonly createdAt: string;
}

interface TensorEntry {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  /** Byte offset in the binary file. */
  readonly offset: number;
}

interface CheckpointJson {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly binary: string;
  readonly bytes: number;
  readonly tensors: readonly TensorEntry[];
  readonly settings: TrainSettings;
  readonly modelConfig: ModelConfig;
  readonly state: Omit<FitState, 'bestWeights' | 'optimizer' | 'inProgress'> & {
    readonly optimizer: { readonly learningRate: number; readonly step: number };
    readonly inProgress?: Omit<NonNullable<FitState['inProgress']>, 'order'>;
    readonly variables: number;
    readonly hasBestWeights: boolean;
  };
}

export async function writeCheckpoint(folder: string, checkpoint: Checkpoint): Promise<void> {
  const { state } = checkpoint;
  const arrays: { name: string; data: Float32Array | Int32Array; shape: readonly number[] }[] = [];
  for (const [name, weight] of checkpoint.weights) arrays.push({ name: `weight:${name}`, data: weight.values, shape: weight.shape });
  state.optimizer.m.forEach((m, i) => m && arrays.push({ name: `adam_m:${i}`, data: m, shape: [m.length] }));
  state.optimizer.v.forEach((v, i) => v && arrays.push({ name: `adam_v:${i}`, data: v, shape: [v.length] }));
  state.bestWeights?.forEach((w, i) => arrays.push({ name: `best:${i}`, data: w, shape: [w.length] }));
  if (state.inProgress) arrays.push({ name: 'order', data: state.inProgress.order, shape: [state.inProgress.order.length] });

  const bytes = arrays.reduce((sum, a) => sum + a.data.length * 4, 0);
  const binary = new Uint8Array(bytes);
  const view = new DataView(binary.buffer);
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const array of arrays) {
    const float = array.data instanceof Float32Array;
    tensors.push({ name: array.name, dtype: float ? 'float32' : 'int32', shape: array.shape, offset });
    array.data.forEach((value, i) => (float ? view.setFloat32(offset + i * 4, value, true) : view.setInt32(offset + i * 4, value, true)));
    offset += array.data.length * 4;
  }
  const epochTag = state.inProgress ? `${state.inProgress.epoch}-${state.inProgress.nextStep}` : `${state.epochsDone}-end`;
  const name = `checkpoint-${epochTag}-${randomBytes(3).toString('hex')}.bin`;
  const { bestWeights: _best, optimizer, inProgress, ...plain } = state;
  const json: CheckpointJson = {
    format: FORMAT,
    version: VERSION,
    createdAt: checkpoint.createdAt,
    binary: name,
    bytes,
    tensors,
    settings: checkpoint.settings,
    modelConfig: checkpoint.modelConfig,
    state: {
      ...plain,
      optimizer: { learningRate: optimizer.learningRate, step: optimizer.step },
      ...(inProgress ? { inProgress: { epoch: inProgress.epoch, nextStep: inProgress.nextStep, totals: inProgress.totals, seconds: inProgress.seconds } } : {}),
      variables: optimizer.m.length,
      hasBestWeights: state.bestWeights !== undefined,
    },
  };
  await writeFileAtomic(join(folder, name), binary);
  await writeFileAtomic(join(folder, CHECKPOINT_JSON), `${JSON.stringify(json)}\n`);
  await removeStaleCheckpointFiles(folder, name);
}

/**
 * Removes the binaries checkpoint.json does not name, and temporary files a killed process left
 * behind (a kill between writing checkpoint.json and this clean-up leaves an old binary).
 */
export async function removeStaleCheckpointFiles(folder: string, current: string): Promise<void> {
  for (const file of await readdir(folder)) {
    if ((BINARY.test(file) && file !== current) || TEMPORARY.test(file)) await rm(join(folder, file), { force: true });
  }
}

function invalid(path: string, problem: string): MlpxError {
  return new MlpxError(`${path} is not a usable checkpoint: ${problem}`);
}

/** The checkpoint's binary file is gone or cut short (copied without it, a disk that filled up). */
function incomplete(folder: string, problem: string): MlpxError {
  return new MlpxError(
    `the checkpoint in ${folder} is incomplete: ${problem}; to resume, restore that file from where the run folder was copied from, ` +
      'or else train again with mlpx train --out <a new folder>',
  );
}

/**
 * Where a run resumed from this checkpoint continues, counted from 1: "at epoch 2 of 3, step 5 of
 * 9" in the middle of an epoch (nextStep steps of it are done; the epoch's shuffle order holds one
 * index per training image, so it gives the steps an epoch has), "at epoch 3 of 3" at its start.
 */
export function resumePoint(checkpoint: Checkpoint): string {
  const { settings, state } = checkpoint;
  if (state.inProgress) {
    const steps = Math.ceil(state.inProgress.order.length / settings.batchSize);
    return `at epoch ${state.inProgress.epoch} of ${settings.epochs}, step ${state.inProgress.nextStep + 1} of ${steps}`;
  }
  if (state.epochsDone >= settings.epochs) return `after its last epoch (${settings.epochs}), to test and save the model`;
  return `at epoch ${state.epochsDone + 1} of ${settings.epochs}`;
}

export async function readCheckpoint(folder: string): Promise<Checkpoint> {
  const path = join(folder, CHECKPOINT_JSON);
  let json: CheckpointJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as CheckpointJson;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MlpxError(`${folder} has no ${CHECKPOINT_JSON}: is it a run folder of mlpx train that was interrupted?`);
    throw invalid(path, describeError(error));
  }
  if (
    json?.format !== FORMAT ||
    json.version !== VERSION ||
    typeof json.binary !== 'string' ||
    !Array.isArray(json.tensors) ||
    !json.state ||
    !json.settings ||
    !json.modelConfig
  ) {
    throw invalid(path, `it is not an mlpx checkpoint (format ${FORMAT} version ${VERSION})`);
  }
  if (!BINARY.test(json.binary) || json.binary.includes('/')) throw invalid(path, `bad binary file name ${json.binary}`);
  const binaryPath = join(folder, json.binary);
  let binary: Buffer;
  try {
    binary = await readFile(binaryPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw incomplete(folder, `${path} names ${binaryPath}, which does not exist`);
    throw invalid(binaryPath, describeError(error));
  }
  if (binary.length !== json.bytes) throw incomplete(folder, `${binaryPath} has ${binary.length} bytes, the checkpoint says ${json.bytes} (${path})`);
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  const read = (entry: TensorEntry): Float32Array | Int32Array => {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(count) || count < 0 || entry.offset < 0 || entry.offset + count * 4 > binary.length) {
      throw invalid(binaryPath, `tensor ${entry.name} lies outside the file`);
    }
    const out = entry.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = entry.dtype === 'int32' ? view.getInt32(entry.offset + i * 4, true) : view.getFloat32(entry.offset + i * 4, true);
    return out;
  };
  const weights = new Map<string, { values: Float32Array; shape: readonly number[] }>();
  const m: (Float32Array | undefined)[] = Array.from({ length: json.state.variables }, () => undefined);
  const v: (Float32Array | undefined)[] = Array.from({ length: json.state.variables }, () => undefined);
  const best: Float32Array[] = [];
  let order: Int32Array | undefined;
  // Array.isArray above narrowed the entries to any[]: they are the checkpoint's tensor entries.
  const entries: readonly TensorEntry[] = json.tensors as readonly TensorEntry[];
  for (const entry of entries) {
    const [kind, key] = [entry.name.slice(0, entry.name.indexOf(':')), entry.name.slice(entry.name.indexOf(':') + 1)];
    const data = read(entry);
    if (entry.name === 'order') order = data as Int32Array;
    else if (kind === 'weight') weights.set(key, { values: data as Float32Array, shape: entry.shape });
    else if (kind === 'adam_m') m[Number(key)] = data as Float32Array;
    else if (kind === 'adam_v') v[Number(key)] = data as Float32Array;
    else if (kind === 'best') best[Number(key)] = data as Float32Array;
    else throw invalid(path, `unknown tensor ${entry.name}`);
  }
  const { inProgress, hasBestWeights, variables: _variables, optimizer, ...plain } = json.state;
  if (inProgress && !order) throw invalid(path, 'an epoch in progress without its shuffle order');
  const state: FitState = {
    ...plain,
    optimizer: { learningRate: optimizer.learningRate, step: optimizer.step, m, v },
    ...(inProgress ? { inProgress: { ...inProgress, order: order! } } : {}),
    ...(hasBestWeights ? { bestWeights: best } : {}),
  };
  return { binary: json.binary, ...withPositionTable(json.settings, json.modelConfig), weights, state, createdAt: json.createdAt };
}

/**
 * FNet checkpoints written before `positionTable` existed trained the table: they resume that way
 * rather than with today's default (the seed's frozen table), which would change the run.
 */
function withPositionTable(settings: TrainSettings, modelConfig: ModelConfig): Pick<Checkpoint, 'settings' | 'modelConfig'> {
  // A damaged checkpoint without an architecture is left to the model's own checks to report.
  if (!hasPositionEmbedding(settings.model) || typeof settings.architecture !== 'object' || settings.architecture.positionTable !== undefined) {
    return { settings, modelConfig };
  }
  return {
    settings: { ...settings, architecture: { ...settings.architecture, positionTable: 'trained' } },
    modelConfig: { ...modelConfig, positionTable: 'trained' },
  };
}
