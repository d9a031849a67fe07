/** Runs the built mlpx CLI as a user does (node packages/cli/bin/mlpx.js ...), capturing its output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A stack trace line, which a user-facing error must never show. */
export const STACK_LINE = /^\s+at .+\(.*:\d+:\d+\)$/m;

/** The tiny models the CLI tests deploy: one block of 16 channels, 32 x 32 inputs in 8 x 8 patches, 300 training images. */
export const TINY_SIZES = ['--limit', '300', '--image-size', '32', '--patch-size', '8', '--embedding-dim', '16', '--blocks', '1'] as const;
export const TINY_GMLP = ['--model', 'gmlp', ...TINY_SIZES] as const;

/**
 * `mlpx train` of a short Fashion-MNIST run (the shipped sample, 1 epoch, batch 32, then
 * `trainArgs`, which may override those) into `run`; throws with mlpx's stderr if it fails.
 */
export async function trainTiny(folder: string, run: string, trainArgs: readonly string[]): Promise<void> {
  const trained = await runCli(['train', '--dataset', 'fashion-mnist-sample', '--epochs', '1', '--batch-size', '32', ...trainArgs, '--out', run], {
    cwd: folder,
  });
  if (trained.code !== 0) throw new Error(`mlpx train failed:\n${trained.stderr}`);
}

/**
 * `mlpx train` (trainTiny) then `mlpx export`, into `folder`; returns the .onnx path. The tests
 * that need a deployed model start here.
 */
export async function trainAndExport(folder: string, trainArgs: readonly string[]): Promise<string> {
  const run = join(folder, 'run');
  await trainTiny(folder, run, trainArgs);
  const model = join(folder, 'model.onnx');
  const exported = await runCli(['export', '--run', run, model], { cwd: folder });
  if (exported.code !== 0) throw new Error(`mlpx export failed:\n${exported.stderr}`);
  return model;
}
