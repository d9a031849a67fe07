/**
 * An error meant for the person running mlpx: its message names the file or flag and what is
 * wrong, and the CLI prints it without a stack trace (exit code 1). Anything else that escapes
 * is a bug and is printed with its stack.
 */
export class MlpxError extends Error {
  override readonly name = 'MlpxError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The message of any thrown value, for wrapping library errors into an MlpxError. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** fetch reports network failures as a generic TypeError whose cause says what happened: that cause. */
export function fetchFailureCause(error: unknown): unknown {
  return error instanceof Error && error.cause instanceof Error ? error.cause : error;
}
