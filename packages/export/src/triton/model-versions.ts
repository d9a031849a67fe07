/**
 * The versions of a model in a Triton repository: its sub-folders named by a positive integer
 * without leading zeros (Triton ignores the others, which is why a version being written lives
 * under a name starting with '.' until it is complete).
 */
import { readdir } from 'node:fs/promises';
import { describeError, MlpxError } from '@mlpx/core';

const VERSION = /^[1-9][0-9]*$/;

/** The versions in `modelFolder`, ascending; none when it does not exist. */
export async function modelVersions(modelFolder: string): Promise<number[]> {
  const entries = await readdir(modelFolder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new MlpxError(`cannot read the model folder ${modelFolder}: ${describeError(error)}`);
  });
  return entries
    .filter((entry) => entry.isDirectory() && VERSION.test(entry.name))
    .map((entry) => Number(entry.name))
    .filter(Number.isSafeInteger)
    .sort((a, b) => a - b);
}

/** The version after the highest there, 1 when there is none. */
export function nextVersion(versions: readonly number[]): number {
  return versions.length === 0 ? 1 : Math.max(...versions) + 1;
}
