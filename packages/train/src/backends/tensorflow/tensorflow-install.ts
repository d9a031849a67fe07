/**
 * Where `mlpx setup tensorflow` keeps the TensorFlow engine, and the manifest that describes it.
 *
 *   <root>/                     $MLPX_TENSORFLOW_DIR, else ~/.cache/mlpx/tensorflow
 *     install.json              this manifest, written last (atomically): present = usable
 *     build-<time>/             one setup's build (packages/cli/src/setup/tensorflow/); older ones are removed
 *       venv/                   the private Python environment TensorFlow was pip-installed into
 *       node/node_modules/@tensorflow/tfjs-node/
 *                               tfjs-node's JavaScript and its addon, built against that TensorFlow
 *
 * The addon links TensorFlow's own libraries by their real folder (an absolute RUNPATH), so the
 * `$ORIGIN`-relative paths inside TensorFlow (which is how it finds PyPI's CUDA wheels) resolve.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';

export const INSTALL_JSON = 'install.json';

/** TensorFlow's two libraries in a wheel's `tensorflow` folder: libtensorflow_cc.so.2 exports its C API. */
export const TENSORFLOW_LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'] as const;

/** What `mlpx setup tensorflow` built; the loader trusts nothing else. */
export interface TensorflowInstall {
  /** TensorFlow's version, e.g. '2.21.0'. */
  readonly tensorflowVersion: string;
  /** The pip distribution it came from ('tensorflow-cpu', 'tensorflow'). */
  readonly distribution: string;
  /** The TensorFlow folder given with --from, when setup used an existing install. */
  readonly from?: string;
  /** true when installed with --gpu (a CUDA build and PyPI's CUDA wheels). */
  readonly gpu: boolean;
  /** The Python whose environment holds TensorFlow; absent for --from without a Python. */
  readonly python?: string;
  /** The real folder holding libtensorflow_cc.so.2 and libtensorflow_framework.so.2. */
  readonly libraryDir: string;
  /** The tfjs-node package folder whose addon was built against it. */
  readonly packageDir: string;
  /** The tfjs-node version built. */
  readonly tfjsNodeVersion: string;
  /** ISO time of the build. */
  readonly builtAt: string;
}

/** The folder the engine lives in: $MLPX_TENSORFLOW_DIR, else ~/.cache/mlpx/tensorflow. */
export function tensorflowRoot(): string {
  const chosen = process.env.MLPX_TENSORFLOW_DIR;
  return chosen ? resolve(chosen) : join(homedir(), '.cache', 'mlpx', 'tensorflow');
}

/** The manifest of the set-up engine, or undefined when `mlpx setup tensorflow` has not run. */
export async function readTensorflowInstall(root = tensorflowRoot()): Promise<TensorflowInstall | undefined> {
  const path = join(root, INSTALL_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MlpxError(`cannot read ${path}: ${describeError(error)}`, { cause: error });
  }
  return parseTensorflowInstall(text, path);
}

export function parseTensorflowInstall(text: string, path: string): TensorflowInstall {
  const fail = (problem: string): never => {
    throw new MlpxError(`${path} is damaged (${problem}); run \`mlpx setup tensorflow --force\``);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${describeError(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not an object');
  const record = value as Record<string, unknown>;
  for (const key of ['tensorflowVersion', 'distribution', 'libraryDir', 'packageDir', 'tfjsNodeVersion', 'builtAt'] as const) {
    if (typeof record[key] !== 'string' || record[key] === '') fail(`'${key}' is not a non-empty string`);
  }
  if (typeof record.gpu !== 'boolean') fail(`'gpu' is not true or false`);
  for (const key of ['python', 'from'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') fail(`'${key}' is not a string`);
  }
  return record as unknown as TensorflowInstall;
}
