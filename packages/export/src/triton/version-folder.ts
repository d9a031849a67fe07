/**
 * Writes a model version folder so that Triton never sees half of it: the files go into a folder
 * named `.mlpx-tmp-<version>-<random>` beside the versions (a name Triton ignores: it is not a
 * number), are synced, and the folder is renamed to `<version>` in one step. A failure removes the
 * temporary folder. With `replace`, an existing version folder is moved aside first and removed
 * once the new one is in place (or moved back if it cannot be).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MlpxError, syncFolder, writeFileAtomic } from '@mlpx/core';

export const TEMPORARY_PREFIX = '.mlpx-tmp-';

export interface VersionFile {
  readonly name: string;
  readonly data: Uint8Array | string;
}

export async function writeVersionFolder(modelFolder: string, version: number, files: readonly VersionFile[], options: { replace: boolean }): Promise<string> {
  const target = join(modelFolder, String(version));
  const suffix = `${version}-${randomBytes(6).toString('hex')}`;
  const temporary = join(modelFolder, `${TEMPORARY_PREFIX}${suffix}`);
  const replaced = join(modelFolder, `${TEMPORARY_PREFIX}replaced-${suffix}`);
  try {
    await mkdir(temporary, { recursive: true });
    for (const file of files) await writeFileAtomic(join(temporary, file.name), file.data);
    const existing = await stat(target).catch(() => undefined);
    if (existing && !options.replace) throw new MlpxError(`${target} appeared while this export was writing it; nothing was replaced`);
    if (existing) await rename(target, replaced);
    try {
      await rename(temporary, target);
    } catch (error) {
      if (existing) await rename(replaced, target).catch(() => undefined);
      throw error;
    }
    await rm(replaced, { recursive: true, force: true });
    await syncFolder(modelFolder);
    return target;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot write ${target}: ${describeError(error)}`, { cause: error });
  }
}
