/**
 * Where a run's files go: runs/<model>-<dataset>-<timestamp>/ by default, with runs/latest (a
 * symlink) pointing at the newest finished run. The folder is created when training starts and
 * holds a checkpoint from the first epoch on; the trained model and metrics.json (written last)
 * appear when it ends.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';

export const RUNS_ROOT = 'runs';
export const LATEST = 'latest';

function timestamp(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** runs/<model>-<dataset>-<timestamp>, with the dataset spec made safe for a folder name. */
export function defaultRunFolder(model: string, dataset: string, now = new Date()): string {
  const datasetName = dataset
    .replace(/^folder:/, 'folder-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+$/, '');
  return join(RUNS_ROOT, `${model}-${datasetName}-${timestamp(now)}`);
}

/** Refuses a run folder that already holds files (a finished run is never overwritten). */
export async function checkRunFolderFree(folder: string): Promise<void> {
  try {
    const entries = await readdir(folder);
    if (entries.length > 0) throw new MlpxError(`--out ${folder} already exists and is not empty; choose another folder`);
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new MlpxError(`--out ${folder} is a file, not a folder`);
    if (code !== 'ENOENT') throw new MlpxError(`cannot use --out ${folder}: ${describeError(error)}`);
  }
}

/** Creates the run folder (training writes its checkpoint there after every epoch). */
export async function createRunFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new MlpxError(`cannot create the run folder ${folder}: ${describeError(error)}`, { cause: error });
  }
}

/** Points <runs>/latest at a finished run, when the run lives directly in runs/. */
export async function markLatest(folder: string): Promise<void> {
  if (resolve(dirname(folder)) === resolve(RUNS_ROOT)) await pointLatestAt(folder);
}

async function pointLatestAt(folder: string): Promise<void> {
  const link = join(dirname(folder), LATEST);
  const temporary = `${link}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    const existing = await lstat(link).catch(() => undefined);
    if (existing && !existing.isSymbolicLink()) return; // never replace a real file or folder named latest
    await symlink(basename(folder), temporary);
    await rename(temporary, link);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new MlpxError(`cannot update ${link}: ${describeError(error)}`, { cause: error });
  }
}
