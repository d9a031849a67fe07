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
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describeError, MlpxError, writeFileAtomic } from '@mlpx/core';
import { ADDON_PATH } from '../load-tensorflow.js';
import { INSTALL_JSON, readTensorflowInstall, tensorflowRoot, type TensorflowInstall } from '../tensorflow-install.js';
import { describeCudaWheels, findCudaWheels, REQUIRED_CUDA_WHEELS } from '../cuda-wheels.js';
import { checkAddonSymbols } from './addon-symbols.js';
import { buildAddon } from './build-addon.js';
import { findBuildTools } from './build-tools.js';
import type { ProbeReport } from './probe-engine.js';
import { createVenv, findPython, locateTensorflow, pipInstall, venvPython } from './python-environment.js';
import { outputTail, runCommand } from './run-command.js';
import { findTensorflowIn, describeTensorflowDir, TENSORFLOW_LIBRARIES, type TensorflowLibrary } from './tensorflow-library.js';
import { installTfjsNode } from './tfjs-node-package.js';

/** The newest TensorFlow tried with tfjs-node 4.22.0's addon; 2.18 and later compile Hopper (sm_90) kernels. */
export const DEFAULT_TENSORFLOW_VERSION = '2.21.0';
/** The versions `mlpx setup tensorflow --tensorflow V` was run with, and that trained (README, "Native TensorFlow"). */
export const TESTED_TENSORFLOW_VERSIONS = ['2.15.1', '2.18.1', '2.19.1', '2.20.0', '2.21.0'] as const;

export interface SetupProgress {
  /** A step begins (1-based). */
  step(index: number, total: number, title: string): void;
  /** The current step ended. */
  done(seconds: number): void;
  /** Output of a long step's tool (pip's download progress), as it arrives. */
  output?(text: string): void;
}

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

/** The pip requirement a request installs. */
export function tensorflowRequirement(gpu: boolean, version: string): string {
  if (gpu) return `tensorflow[and-cuda]==${version}`;
  // PyPI has tensorflow-cpu for Linux only; elsewhere `tensorflow` is the CPU build.
  return `${process.platform === 'linux' ? 'tensorflow-cpu' : 'tensorflow'}==${version}`;
}

function checkRequest(options: SetupTensorflowOptions): void {
  if (process.platform !== 'linux') {
    throw new MlpxError(`mlpx setup tensorflow builds tfjs-node against TensorFlow's Linux wheels; ${process.platform} is not supported yet (use --backend wasm or webgpu)`);
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
  return existing.from === undefined && existing.gpu === (options.gpu === true) && existing.tensorflowVersion === (options.tensorflowVersion ?? DEFAULT_TENSORFLOW_VERSION);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

async function probe(install: TensorflowInstall): Promise<ProbeReport> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'probe-engine.js');
  const result = await runCommand(process.execPath, [script, JSON.stringify(install)]);
  if (result.startError) throw result.startError;
  if (result.code === 0) return JSON.parse(result.stdout.trim().split('\n').pop()!) as ProbeReport;
  const exit = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  throw new MlpxError(`the built engine did not load (a test run in a child process ${exit}):\n${outputTail(result)}`);
}

/** Removes the build folders install.json does not point into (older builds, interrupted ones). */
async function removeOtherBuilds(root: string, keep: string): Promise<void> {
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith('build-') && join(root, entry.name) !== keep) await rm(join(root, entry.name), { recursive: true, force: true });
  }
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

  const progress = options.progress;
  const total = source ? 5 : 6;
  let index = 0;
  const step = async <T>(title: string, work: () => Promise<T>): Promise<T> => {
    const stepStarted = performance.now();
    progress?.step(++index, total, title);
    const value = await work();
    progress?.done((performance.now() - stepStarted) / 1000);
    return value;
  };

  const tools = await step('Checking the build tools (C++ compiler, make, Node headers, node-gyp, npm, nm)', findBuildTools);
  const build = join(root, `build-${timestamp()}`);
  await mkdir(build, { recursive: true });
  try {
    let library: TensorflowLibrary;
    let python = source?.python;
    let distribution = 'tensorflow';
    if (source) {
      library = source.library;
      distribution = library.distribution ?? distribution;
    } else {
      const version = options.tensorflowVersion ?? DEFAULT_TENSORFLOW_VERSION;
      const requirement = tensorflowRequirement(options.gpu === true, version);
      const venv = join(build, 'venv');
      python = venvPython(venv);
      library = await step(`Installing ${requirement} into ${venv} (pip; a few hundred MB${options.gpu ? ', and several GB of CUDA wheels' : ''})`, async () => {
        await createVenv(await findPython(options.python), venv);
        await pipInstall(venv, requirement, progress?.output?.bind(progress));
        const located = await locateTensorflow(python!);
        if (!located) throw new MlpxError(`pip installed ${requirement}, yet ${python} finds no tensorflow package`);
        distribution = located.distribution;
        return describeTensorflowDir(located.dir);
      });
      if (options.gpu) {
        if (!library.cudaBuild) throw new MlpxError(`--gpu: ${library.dir} is not a CUDA build of TensorFlow`);
        const wheels = await findCudaWheels(library.dir);
        const absent = REQUIRED_CUDA_WHEELS.filter((wheel) => !wheels.found.includes(wheel));
        if (absent.length > 0) throw new MlpxError(`--gpu: TensorFlow ${library.version} will not find CUDA's ${absent.join(', ')} (${describeCudaWheels(wheels)}); pip did not install them`);
      }
    }
    const tfjsNodeVersion = tf.version_core;
    const packageDir = await step(`Fetching @tensorflow/tfjs-node ${tfjsNodeVersion} (npm, its download of libtensorflow skipped)`, () =>
      installTfjsNode(join(build, 'node'), tfjsNodeVersion, tools.npm),
    );
    const addon = await step(`Compiling tfjs-node's addon against TensorFlow ${library.version} (node-gyp)`, () => buildAddon(packageDir, library, tools));
    const install: TensorflowInstall = {
      tensorflowVersion: library.version,
      distribution,
      gpu: library.cudaBuild,
      ...(python ? { python } : {}),
      ...(source ? { from: library.dir } : {}),
      libraryDir: library.dir,
      packageDir: await realpath(packageDir),
      tfjsNodeVersion,
      builtAt: new Date().toISOString(),
    };
    const checked = await step(`Checking the addon against TensorFlow ${library.version}'s C API, and loading it`, async () => {
      const { needed, missing } = await checkAddonSymbols(addon, TENSORFLOW_LIBRARIES.map((name) => join(library.dir, name)));
      if (missing.length > 0) {
        throw new MlpxError(
          `TensorFlow ${library.version} (${library.dir}) does not define ${missing.join(', ')}, which tfjs-node ${tfjsNodeVersion}'s addon calls; ` +
            `versions known to work: ${TESTED_TENSORFLOW_VERSIONS.join(', ')} (mlpx setup tensorflow --tensorflow ${DEFAULT_TENSORFLOW_VERSION})`,
        );
      }
      const report = await probe(install);
      if (report.backend !== 'tensorflow' || report.matmul.join(',') !== '19,22,43,50') {
        throw new MlpxError(`the built engine loaded but computed wrongly (backend ${report.backend}, [[1,2],[3,4]]x[[5,6],[7,8]] = ${report.matmul.join(',')})`);
      }
      return { symbols: needed.length, version: report.version };
    });
    // The version the library itself reports (TF_Version) is the one recorded.
    const recorded: TensorflowInstall = { ...install, tensorflowVersion: checked.version };
    await step(`Recording the engine in ${join(root, INSTALL_JSON)}`, async () => {
      await writeFileAtomic(join(root, INSTALL_JSON), `${JSON.stringify(recorded, null, 2)}\n`);
      await removeOtherBuilds(root, build);
    });
    return { install: recorded, reused: false, root, symbolsChecked: checked.symbols, seconds: seconds() };
  } catch (error) {
    await rm(build, { recursive: true, force: true }).catch(() => undefined);
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`mlpx setup tensorflow failed: ${describeError(error)}`, { cause: error });
  }
}
