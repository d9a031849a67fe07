/**
 * The files `mlpx infer` was pointed at: files as given, folders walked recursively (sorted, so
 * the output order is stable). Each is sorted into images (by content, see sniff-image.ts) and
 * skipped files; a path that does not exist is an error.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MlpxError } from '@mlpx/core';
import { sniffImage } from './sniff-image.js';

export interface FoundFiles {
  readonly images: string[];
  /** Files that are not PNG, JPEG or WebP. */
  readonly skipped: string[];
}

async function walk(path: string, into: string[]): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await walk(child, into);
    else if (entry.isFile() || entry.isSymbolicLink()) into.push(child);
  }
}

export async function findImages(paths: readonly string[]): Promise<FoundFiles> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new MlpxError(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : describeError(error)}`);
    }
    if (info.isDirectory()) await walk(path, files);
    else files.push(path);
  }
  const images: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const format = await sniffImage(file).catch(() => undefined);
    (format ? images : skipped).push(file);
  }
  if (images.length === 0) {
    throw new MlpxError(`no PNG, JPEG or WebP images in ${paths.join(', ')}${skipped.length ? ` (${skipped.length} other files skipped)` : ''}`);
  }
  return { images, skipped };
}
