/**
 * Loads TensorFlow as tfjs's 'tensorflow' backend: the engine `mlpx setup tensorflow` built, else
 * the @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node package where a user installed one.
 * Importing tfjs-node registers the backend and makes it the active one.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeError, MlpxError } from '@mlpx/core';
import { linkSharedTfjs } from './link-tfjs.js';
import { filterStartupLog } from './startup-log-filter.js';
import { findTensorflowBackend } from './tfjs-node-backend.js';
import { readTensorflowInstall, tensorflowRoot, type TensorflowInstall } from './tensorflow-install.js';

/** The addon tfjs-node loads, relative to its package folder (N-API 8; node-pre-gyp's layout). */
export const ADDON_PATH = join('lib', 'napi-v8', 'tfjs_binding.node');
/** mlpx's stderr-capture addon, beside it (built by setup: packages/cli/src/setup/tensorflow/stderr-capture-source.ts). */
export const STDERR_CAPTURE_PATH = join('lib', 'napi-v8', 'mlpx_stderr.node');

interface StderrCapture {
  captureStderr(path: string): number;
  restoreStderr(saved: number): void;
}

/**
 * Runs `load` with file descriptor 2 captured, then prints what TensorFlow wrote there less what
 * TF_CPP_MIN_LOG_LEVEL hides (startup-log-filter.ts). Engines built before the capture addon
 * existed, or a capture file that cannot be made, load as they are.
 */
function loadWithStartupLogFiltered(packageDir: string, load: () => void): void {
  const helper = join(packageDir, STDERR_CAPTURE_PATH);
  if (!existsSync(helper)) return load();
  const capture = createRequire(import.meta.url)(helper) as StderrCapture;
  const file = join(tmpdir(), `mlpx-tensorflow-start-${process.pid}.log`);
  let saved: number;
  try {
    saved = capture.captureStderr(file);
  } catch {
    return load();
  }
  try {
    load();
  } finally {
    capture.restoreStderr(saved);
    const printed = readFileSync(file, 'utf8');
    rmSync(file, { force: true });
    const shown = filterStartupLog(printed, Number(process.env.TF_CPP_MIN_LOG_LEVEL ?? 0));
    if (shown) process.stderr.write(shown);
  }
}

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * TensorFlow's defaults, unless the user set them: GPU memory grows as needed instead of being
 * taken whole at start (tfjs-node sets no GPU options: docs/toolchain-notes.md), and only errors
 * are logged (its start-up INFO and WARNING lines would interleave with training's output).
 */
function setTensorflowDefaults(): void {
  process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
}

/**
 * Loads the engine `mlpx setup tensorflow` built; returns the backend's description. Setup's probe
 * loads it with filterStartupLog false, so that a TensorFlow that aborts while loading (a CPU
 * without the instructions it was built for) says why on the probe's stderr.
 */
export async function loadInstalledTensorflow(install: TensorflowInstall, options: { filterStartupLog?: boolean } = {}): Promise<string> {
  const addon = join(install.packageDir, ADDON_PATH);
  if (!existsSync(addon)) {
    throw new MlpxError(`the TensorFlow engine set up in ${tensorflowRoot()} is incomplete (${addon} is missing); run \`mlpx setup tensorflow --force\``);
  }
  if (install.tfjsNodeVersion !== tf.version_core) {
    throw new MlpxError(
      `the TensorFlow engine in ${tensorflowRoot()} was built with @tensorflow/tfjs-node ${install.tfjsNodeVersion}, and this mlpx uses tfjs ${tf.version_core}; run \`mlpx setup tensorflow --force\``,
    );
  }
  await linkSharedTfjs(dirname(dirname(install.packageDir)));
  setTensorflowDefaults();
  try {
    const load = (): void => void createRequire(join(install.packageDir, 'package.json'))(install.packageDir);
    if (options.filterStartupLog === false) load();
    else loadWithStartupLogFiltered(install.packageDir, load);
  } catch (error) {
    throw new MlpxError(
      `TensorFlow ${install.tensorflowVersion} (set up in ${tensorflowRoot()}) failed to load: ${describeError(error).split('\n')[0]}; run \`mlpx setup tensorflow --force\` to rebuild it`,
      { cause: error },
    );
  }
  return `TensorFlow ${activeTensorflowVersion()} (${install.distribution}${install.gpu ? ', CUDA build' : ''}, set up by mlpx) ${deviceSummary(install.gpu)}`;
}

/** The TensorFlow version the active 'tensorflow' backend's library reports. */
export function activeTensorflowVersion(): string {
  return findTensorflowBackend()?.binding.TF_Version ?? 'unknown';
}

/** Where TensorFlow computes: 'on the GPU', or on the CPU, saying so in one line when a GPU was expected. */
export function deviceSummary(gpuBuild: boolean): string {
  const backend = findTensorflowBackend();
  if (backend?.isUsingGpuDevice) return 'on the GPU';
  return gpuBuild ? 'on the CPU: TensorFlow sees no GPU' : 'on the CPU';
}

/** The engine: mlpx's own install first, then the tfjs-node packages; throws with every reason. */
export async function loadTensorflow(): Promise<string> {
  const failures: string[] = [];
  const install = await readTensorflowInstall();
  if (install) return loadInstalledTensorflow(install);
  failures.push(`no engine set up in ${tensorflowRoot()} (run \`mlpx setup tensorflow\`)`);
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      setTensorflowDefaults();
      await import(pkg);
      return `${pkg} (TensorFlow ${activeTensorflowVersion()}) ${deviceSummary(pkg.endsWith('-gpu'))}`;
    } catch (error) {
      const message = describeError(error).split('\n')[0]!;
      failures.push(/Cannot find (package|module)/.test(message) ? `${pkg} is not installed` : `${pkg} failed to load: ${message}`);
    }
  }
  throw new Error(failures.join('; '));
}
