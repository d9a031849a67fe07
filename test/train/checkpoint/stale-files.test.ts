/**
 * The clean-up of a run folder after a kill (removeStaleCheckpointFiles, run on every checkpoint
 * and on resume): the binaries checkpoint.json does not name, and the temporary file of any atomic
 * write a kill cut short (a checkpoint's, history.csv's), but nothing else.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { removeStaleCheckpointFiles } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

it("removes stale binaries and any atomic write's temporary, and keeps the run's files", async () => {
  const work = await tempDir();
  try {
    const files = [
      'checkpoint-3-end-aaaaaa.bin',
      'checkpoint-2-end-bbbbbb.bin',
      '.checkpoint-4-1-cccccc.bin.tmp-0123456789ab',
      '.history.csv.tmp-a1b2c3d4e5f6',
      'checkpoint.json',
      'history.csv',
      'curves.svg',
      '.notes',
    ];
    for (const file of files) await writeFile(join(work.path, file), '');
    await removeStaleCheckpointFiles(work.path, 'checkpoint-3-end-aaaaaa.bin');
    expect((await readdir(work.path)).sort()).toEqual(['.notes', 'checkpoint-3-end-aaaaaa.bin', 'checkpoint.json', 'curves.svg', 'history.csv']);
  } finally {
    await work.remove();
  }
});
