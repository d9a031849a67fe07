/**
 * Reads named entries of a gzip-compressed tar archive (POSIX ustar, RFC 1952) into memory,
 * streaming the file through node:zlib and tar-stream; nothing is extracted to disk. Entry names
 * are compared without a leading "./".
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Extract, extract } from 'tar-stream';

import { describeError, MlpxError } from '@mlpx/core';
import { fileError } from './read-file.js';

/** The contents of the entries `names` of the archive at `file`, in the order of `names`. */
export async function readTarGzEntries(file: string, names: readonly string[]): Promise<Buffer[]> {
  const archive = extract();
  let found: Map<string, Buffer>;
  try {
    [, found] = await Promise.all([pipeline(createReadStream(file), createGunzip(), archive), collectEntries(archive, new Set(names))]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall !== undefined) throw fileError(file, error);
    throw new MlpxError(`${file} is not a valid .tar.gz archive: ${describeError(error)}`, {
      cause: error,
    });
  }
  return names.map((name) => {
    const content = found.get(name);
    if (content === undefined) throw new MlpxError(`${file} has no entry ${name}`);
    return content;
  });
}

async function collectEntries(archive: Extract, wanted: Set<string>): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for await (const entry of archive) {
    const name = entry.header.name.replace(/^\.\//, '');
    if (entry.header.type !== 'file' || !wanted.has(name)) {
      entry.resume();
      continue;
    }
    const content = Buffer.allocUnsafe(entry.header.size ?? 0);
    let length = 0;
    for await (const chunk of entry) length += (chunk as Buffer).copy(content, length);
    found.set(name, content.subarray(0, length));
  }
  return found;
}
