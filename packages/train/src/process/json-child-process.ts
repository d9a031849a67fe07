/**
 * Runs a child process and returns the JSON value on the last line of its stdout, and the end of
 * its stderr. `mlpx bench --peer` measures each side in a process of its own, so that each peak
 * memory figure (max RSS) covers one model's training and nothing else the bench had loaded; the
 * WebGPU probe of `mlpx doctor` runs in one so that Dawn's own warnings stay out of the output.
 */
import { spawn } from 'node:child_process';
import { describeError, MlpxError } from '@mlpx/core';

export interface JsonChildOptions {
  /** What the child measures, for errors: "the Keras peer's training of mixer". */
  readonly label: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** How much of a failed child's stderr an error quotes (its end, where the error is). */
const TAIL_CHARACTERS = 4000;

export interface JsonChildResult {
  readonly value: unknown;
  /** The end of what the child wrote to stderr (its last TAIL_CHARACTERS). */
  readonly stderr: string;
}

export function runJsonChild(command: string, args: readonly string[], options: JsonChildOptions): Promise<JsonChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-TAIL_CHARACTERS)));
    child.on('error', (error) => reject(new MlpxError(`${options.label}: cannot run ${command}: ${describeError(error)}`, { cause: error })));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new MlpxError(`${options.label} failed (${signal ? `killed by ${signal}` : `exit code ${code}`}):\n${stderr.trimEnd()}`));
        return;
      }
      const last = stdout.trimEnd().split('\n').at(-1) ?? '';
      try {
        resolve({ value: JSON.parse(last) as unknown, stderr });
      } catch {
        reject(
          new MlpxError(`${options.label} printed no JSON result; its output ended with:\n${stdout.slice(-TAIL_CHARACTERS)}${stderr.slice(-TAIL_CHARACTERS)}`),
        );
      }
    });
  });
}

/** `value[key]` when it is a positive finite number; throws naming the child otherwise. */
export function positiveNumber(value: unknown, key: string, label: string): number {
  const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof field !== 'number' || !Number.isFinite(field) || field <= 0) {
    throw new MlpxError(`${label} gave no positive '${key}' in its result: ${JSON.stringify(value)}`);
  }
  return field;
}
