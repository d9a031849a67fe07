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

/**
 * `mlpx train` (a short Fashion-MNIST run with `trainArgs`) then `mlpx export`, into `folder`;
 * returns the .onnx path. The tests that need a deployed model start here.
 */
export async function trainAndExport(folder: string, trainArgs: readonly string[]): Promise<string> {
  const run = join(folder, 'run');
  const trained = await runCli(['train', '--dataset', 'fashion-mnist-sample', '--epochs', '1', '--batch-size', '32', ...trainArgs, '--out', run], {
    cwd: folder,
  });
  if (trained.code !== 0) throw new Error(`mlpx train failed:\n${trained.stderr}`);
  const model = join(folder, 'model.onnx');
  const exported = await runCli(['export', '--run', run, model], { cwd: folder });
  if (exported.code !== 0) throw new Error(`mlpx export failed:\n${exported.stderr}`);
  return model;
}
