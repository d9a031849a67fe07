/**
 * Reading dataset files from disk, with the operating system's errors (ENOENT, EACCES, EISDIR)
 * turned into MlpxErrors that name the file.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { describeError, MlpxError } from '@mlpx/core';

/** An MlpxError naming `path` for an error thrown by a node:fs call on it. */
export function fileError(path: string, error: unknown): MlpxError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new MlpxError(`${path} does not exist`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new MlpxError(`${path} is not readable (permission denied)`, { cause: error });
    case 'EISDIR':
      return new MlpxError(`${path} is a folder, expected a file`, { cause: error });
    case 'ENOTDIR':
      return new MlpxError(`${path} is a file, expected a folder`, { cause: error });
    default:
      return new MlpxError(`cannot read ${path}: ${describeError(error)}`, { cause: error });
  }
}

/** The whole content of a file. */
export async function readDataFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
}

/** The file's stats, or undefined when nothing exists at `path`. */
export async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError(path, error);
  }
}
