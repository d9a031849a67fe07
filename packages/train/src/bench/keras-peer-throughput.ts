/**
 * The Keras peer of mlpx's training on the tensorflow backend: the seed's Keras model trained by
 * model.fit (python/keras_peer.py, shipped in this package), run by the Python of the TensorFlow
 * that `mlpx setup tensorflow` installed, so both sides run the same TensorFlow build. Same
 * configuration and step counts as mlpx's measurement, in a process of its own (its peak RSS is
 * the script's own).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MlpxError } from '@mlpx/core';
import { readTensorflowInstall, tensorflowRoot, type TensorflowInstall } from '../backends/tensorflow/tensorflow-install.js';
import { SEED_ARCHITECTURE, type Architecture } from '../models/model-config.js';
import { modelFamily } from '../models/model-families.js';
import { positiveNumber, runJsonChild } from '../process/json-child-process.js';
import type { TrainingThroughputOptions } from './training-throughput.js';

/**
 * The script, from dist/bench/ or src/bench/ alike: <package>/python/ is in the package's
 * "files", so it is there in an installed package as in this repository
 * (scripts/bench/keras_peer.py is a link to it).
 */
export const KERAS_PEER_SCRIPT = fileURLToPath(new URL('../../python/keras_peer.py', import.meta.url));

export interface KerasPeerThroughput {
  readonly model: string;
  /** batchSize / the median step time. */
  readonly imagesPerSec: number;
  readonly stepSeconds: readonly number[];
  /** The Python process's max RSS. */
  readonly peakRssMiB: number;
  readonly tensorflowVersion: string;
  readonly kerasVersion: string;
}

/** The Python of the set-up TensorFlow; throws, saying what to run, when there is none. */
export async function kerasPeerPython(): Promise<{ python: string; install: TensorflowInstall }> {
  const install = await readTensorflowInstall();
  const root = tensorflowRoot();
  if (!install) {
    throw new MlpxError(
      `the Keras peer trains on the TensorFlow that \`mlpx setup tensorflow\` installs, and none is set up in ${root}; run \`mlpx setup tensorflow\` first`,
    );
  }
  if (!install.python) {
    throw new MlpxError(
      `the Keras peer needs the Python of the TensorFlow set up in ${root}, and that one has none (it was built --from ${install.from ?? 'an existing TensorFlow'}); run \`mlpx setup tensorflow --force\` to install TensorFlow with its Python`,
    );
  }
  if (!existsSync(install.python)) {
    throw new MlpxError(`the Python of the TensorFlow set up in ${root} (${install.python}) is missing; run \`mlpx setup tensorflow --force\``);
  }
  return { python: install.python, install };
}

/** keras_peer.py's arguments for the configuration measureTrainingThroughput would use. */
export function kerasPeerArguments(options: TrainingThroughputOptions): string[] {
  const architecture: Architecture = options.architecture ?? SEED_ARCHITECTURE;
  return [
    ['--model', options.model],
    ['--image-size', architecture.imageSize],
    ['--patch-size', architecture.patchSize],
    ['--embedding-dim', architecture.embeddingDim],
    ['--blocks', architecture.blocks],
    ['--dropout', architecture.dropout],
    ['--gelu', architecture.gelu],
    ['--input-shape', (options.inputShape ?? [32, 32, 3]).join(',')],
    ['--classes', options.numClasses ?? 100],
    ['--batch-size', options.batchSize ?? 128],
    ['--warmup-steps', options.warmupSteps ?? 1],
    ['--steps', options.steps ?? 3],
  ]
    .flatMap(([flag, value]) => [String(flag), String(value)])
    .concat(architecture.augment === false ? ['--no-augment'] : []);
}

export async function measureKerasPeerThroughput(python: string, options: TrainingThroughputOptions): Promise<KerasPeerThroughput> {
  if (modelFamily(options.model).kerasBlock === undefined) {
    throw new MlpxError(
      `the Keras peer has no form of ${options.model}: its family names no Keras block (kerasBlock), so there is nothing to measure it against`,
    );
  }
  const label = `the Keras peer's training of ${options.model} (${python} ${KERAS_PEER_SCRIPT})`;
  // No __pycache__ written into the installed package.
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  const { value } = await runJsonChild(python, [KERAS_PEER_SCRIPT, ...kerasPeerArguments(options)], { label, env });
  positiveNumber(value, 'imagesPerSec', label);
  positiveNumber(value, 'peakRssMiB', label);
  return value as KerasPeerThroughput;
}
