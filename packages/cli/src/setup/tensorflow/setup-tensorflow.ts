/**
 * `mlpx setup tensorflow`: native TensorFlow for training, from PyPI's wheels.
 *
 *   1. find the build tools (before any download);
 *   2. pip-install TensorFlow into a private venv (tensorflow-cpu, or tensorflow[and-cuda] with
 *      --gpu: CUDA and cuDNN come as PyPI's nvidia wheels), or take an existing one (--from);
 *   3. fetch tfjs-node's JavaScript and addon sources from npm (its install script skipped);
 *   4. compile the addon against that TensorFlow, offline;
 *   5. check the C API symbols it imports, then load it in a child process;
 *   6. write install.json, the one thing the loader trusts.
 *
 * Each run builds into a new folder and switches install.json to it last, so an interrupted or
 * failed setup leaves the previous engine working; the folders of older builds are then removed.
 * A second run with the same request finds install.json and does nothing (--force rebuilds).
 * Loading the engine is @mlpx/train's (load-tensorflow.ts); this folder only builds it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeError, MlpxError, writeFileAtomic } from '@mlpx/core';
import { ADDON_PATH, INSTALL_JSON, readTensorflowInstall, tensorflowRoot, type TensorflowInstall } from '@mlpx/train/tooling';
import { buildAddon } from './build-addon.js';
import { findBuildTools } from './build-tools.js';
import { checkEngine } from './check-engine.js';
import { setupSteps, type SetupProgress } from './setup-progress.js';
import { tensorflowFromPypi, type ChosenTensorflow } from './tensorflow-from-pypi.js';
import { findTensorflowIn, type TensorflowSource } from './tensorflow-library.js';
import { DEFAULT_TENSORFLOW_VERSION } from './tensorflow-versions.js';
import { installTfjsNode } from './tfjs-node-package.js';

export interface SetupTensorflowOptions {
  /** tensorflow[and-cuda] instead of tensorflow-cpu. */
  readonly gpu?: boolean;
  /** The TensorFlow version to pip-install (default DEFAULT_TENSORFLOW_VERSION). */
  readonly tensorflowVersion?: string;
  /** The Python that creates the venv (default python3). */
  readonly python?: string;
  /** An existing TensorFlow install to build against instead of pip-installing one. */
  readonly from?: string;
  /** Rebuild even when the engine asked for is set up. */
  readonly force?: boolean;
  /** The engine's folder (default tensorflowRoot()). */
  readonly root?: string;
  readonly progress?: SetupProgress;
}

export interface SetupTensorflowResult {
  readonly install: TensorflowInstall;
  /** true when the engine asked for was already set up and nothing was done. */
  readonly reused: boolean;
  readonly root: string;
  /** The C API symbols the addon imports, all found (0 when reused). */
  readonly symbolsChecked: number;
  readonly seconds: number;
}

export async function setupTensorflow(options: SetupTensorflowOptions = {}): Promise<SetupTensorflowResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  checkRequest(options);
  const root = options.root ?? tensorflowRoot();
  const source = options.from ? await findTensorflowIn(options.from) : undefined;
  const existing = await readTensorflowInstall(root).catch(() => undefined);
  if (!options.force && (await isSetUp(existing, options, source?.library.dir))) {
    return { install: existing!, reused: true, root, symbolsChecked: 0, seconds: seconds() };
  }

  const step = setupSteps(options.progress, source ? 5 : 6);
  const tools = await step('Checking the build tools (C++ compiler, make, Node headers, node-gyp, npm, nm)', findBuildTools);
  const build = join(root, `build-${timestamp()}`);
  await mkdir(build, { recursive: true });
  try {
    const tensorflow = source ? fromSource(source) : await tensorflowFromPypi(build, options, step, options.progress);
    const { library } = tensorflow;
    const packageDir = await step(`Fetching @tensorflow/tfjs-node ${tf.version_core} (npm, its download of libtensorflow skipped)`, () =>
      installTfjsNode(join(build, 'node'), tf.version_core, tools.npm),
    );
    const addon = await step(`Compiling tfjs-node's addon against TensorFlow ${library.version} (node-gyp)`, () => buildAddon(packageDir, library, tools));
    const install = await engineInstall(tensorflow, packageDir, source !== undefined);
    const checked = await step(`Checking the addon against TensorFlow ${library.version}'s C API, and loading it`, () => checkEngine(addon, install, library));
    // The version the library itself reports (TF_Version) is the one recorded.
    const recorded: TensorflowInstall = { ...install, tensorflowVersion: checked.version };
    await step(`Recording the engine in ${join(root, INSTALL_JSON)}`, () => recordEngine(root, build, recorded));
    return { install: recorded, reused: false, root, symbolsChecked: checked.symbols, seconds: seconds() };
  } catch (error) {
    await rm(build, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`mlpx setup tensorflow failed: ${describeError(error)}`, { cause: error });
  }
}

function checkRequest(options: SetupTensorflowOptions): void {
  if (process.platform !== 'linux') {
    throw new MlpxError(
      `mlpx setup tensorflow builds tfjs-node against TensorFlow's Linux wheels; ${process.platform} is not supported yet (use --backend wasm or webgpu)`,
    );
  }
  if (options.from && (options.gpu || options.tensorflowVersion || options.python)) {
    throw new MlpxError('--from uses the TensorFlow it names as it is: drop --gpu, --tensorflow and --python');
  }
  if (options.tensorflowVersion && !/^\d+\.\d+\.\d+([a-z0-9.+-]*)$/i.test(options.tensorflowVersion)) {
    throw new MlpxError(`--tensorflow ${options.tensorflowVersion}: not a version (for example ${DEFAULT_TENSORFLOW_VERSION})`);
  }
}

/** Whether the set-up engine is the one asked for. */
async function isSetUp(existing: TensorflowInstall | undefined, options: SetupTensorflowOptions, fromDir: string | undefined): Promise<boolean> {
  if (!existing || existing.tfjsNodeVersion !== tf.version_core || !existsSync(join(existing.packageDir, ADDON_PATH))) return false;
  if (fromDir) return existing.from !== undefined && existing.libraryDir === fromDir;
  return (
    existing.from === undefined &&
    existing.gpu === (options.gpu === true) &&
    existing.tensorflowVersion === (options.tensorflowVersion ?? DEFAULT_TENSORFLOW_VERSION)
  );
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** --from: the TensorFlow found there, as it is. */
function fromSource(source: TensorflowSource): ChosenTensorflow {
  return { library: source.library, python: source.python, distribution: source.library.distribution ?? 'tensorflow' };
}

/** The manifest of the engine just built (its tensorflowVersion until the probe reports the library's own). */
async function engineInstall(tensorflow: ChosenTensorflow, packageDir: string, fromSource: boolean): Promise<TensorflowInstall> {
  const { library, python, distribution } = tensorflow;
  return {
    tensorflowVersion: library.version,
    distribution,
    gpu: library.cudaBuild,
    ...(python ? { python } : {}),
    ...(fromSource ? { from: library.dir } : {}),
    libraryDir: library.dir,
    packageDir: await realpath(packageDir),
    tfjsNodeVersion: tf.version_core,
    builtAt: new Date().toISOString(),
  };
}

/** Writes install.json, switching the loader to this build, then removes every other build folder. */
async function recordEngine(root: string, build: string, install: TensorflowInstall): Promise<void> {
  await writeFileAtomic(join(root, INSTALL_JSON), `${JSON.stringify(install, null, 2)}\n`);
  await removeOtherBuilds(root, build);
}

/** Removes the build folders install.json does not point into (older builds, interrupted ones). */
async function removeOtherBuilds(root: string, keep: string): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith('build-') && join(root, entry.name) !== keep)
      await rm(join(root, entry.name), { recursive: true, force: true });
  }
}
