/**
 * Runs an external tool (`mlpx setup tensorflow`'s python, pip, npm, node-gyp and nm; doctor's
 * python and readelf) and keeps its output, so a failure can be reported with the lines that
 * explain it. `echo` passes the output on as it comes (pip's download progress), for steps a user
 * waits on.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** The exit code; null when the program could not be started (see `startError`) or was killed (`signal`). */
  readonly code: number | null;
  /** The signal that ended the program, if one did. */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
  /** Why the program did not start (ENOENT: not found). */
  readonly startError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with each chunk of output (stdout and stderr) as it arrives. */
  readonly echo?: (text: string) => void;
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.echo?.(chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.echo?.(chunk.toString());
    });
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, startError: error }));
    child.on('close', (code, signal) => resolve({ code, stdout, stderr, ...(signal ? { signal } : {}) }));
  });
}

/** The last lines of a failed command's output, indented, for an error message. */
export function outputTail(result: CommandResult, lines = 15): string {
  const text = `${result.stdout}\n${result.stderr}`
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '');
  return text
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}
