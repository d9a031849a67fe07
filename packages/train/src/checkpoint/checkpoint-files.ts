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
import { recordedFamilyOptions } from '../models/family-options.js';
import type { TrainSettings } from '../training/recipe.js';
import type { FitState } from '../fit/fit.js';
import { packTensors, storedTensors, unpackTensors, type NamedWeights, type TensorEntry } from './checkpoint-tensors.js';

export type { NamedWeights } from './checkpoint-tensors.js';

export const CHECKPOINT_JSON = 'checkpoint.json';
const FORMAT = 'mlpx-checkpoint';
const VERSION = 1;
const BINARY = /^checkpoint-.*\.bin$/;
/** A temporary file of writeFileAtomic (`.<name>.tmp-<hex>`): the run folder's checkpoint files, history.csv, the model's files. */
const TEMPORARY = /^\..+\.tmp-[0-9a-f]+$/;

export interface Checkpoint {
  /** The binary file checkpoint.json names (set when read). */
  readonly binary?: string;
  readonly settings: TrainSettings;
  readonly modelConfig: ModelConfig;
  readonly weights: NamedWeights;
  readonly state: FitState;
  readonly createdAt: string;
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
  const { binary, entries: tensors } = packTensors(storedTensors(checkpoint.weights, state));
  const bytes = binary.length;
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
 * Removes the binaries checkpoint.json does not name, and the temporary files of atomic writes a
 * killed process left behind in the run folder, whichever file they were for (a kill between
 * writing checkpoint.json and this clean-up leaves an old binary; one while history.csv is written
 * after it, that file's temporary).
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
  // Array.isArray above narrowed the entries to any[]: they are the checkpoint's tensor entries.
  const entries: readonly TensorEntry[] = json.tensors as readonly TensorEntry[];
  const problems = { inTable: (what: string) => invalid(path, what), inBinary: (what: string) => invalid(binaryPath, what) };
  const { weights, m, v, best, order } = unpackTensors(entries, binary, json.state.variables, problems);
  const { inProgress, hasBestWeights, variables: _variables, optimizer, ...plain } = json.state;
  if (inProgress && !order) throw invalid(path, 'an epoch in progress without its shuffle order');
  const state: FitState = {
    ...plain,
    optimizer: { learningRate: optimizer.learningRate, step: optimizer.step, m, v },
    ...(inProgress ? { inProgress: { ...inProgress, order: order! } } : {}),
    ...(hasBestWeights ? { bestWeights: best } : {}),
  };
  return { binary: json.binary, ...withRecordedOptions(json.settings, json.modelConfig), weights, state, createdAt: json.createdAt };
}

/**
 * The family's own options as recorded, read the way they are written today (family-options.ts):
 * one recorded beside the sizes (FNet's positionTable, before familyOptions) moved into
 * familyOptions, and one the checkpoint lacks set as runs had it before it existed (FNet
 * checkpoints written before positionTable trained the table: they resume that way rather than
 * with today's default, the seed's frozen table, which would change the run).
 */
function withRecordedOptions(settings: TrainSettings, modelConfig: ModelConfig): Pick<Checkpoint, 'settings' | 'modelConfig'> {
  return {
    settings: { ...settings, architecture: recordedFamilyOptions(settings.model, settings.architecture) },
    modelConfig: recordedFamilyOptions(modelConfig.model, modelConfig),
  };
}
