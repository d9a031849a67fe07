/**
 * The published digest a downloaded file must have, and the running hash that checks it: the hash
 * takes the bytes a resumed download kept from earlier connections first, then those that arrive.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface DownloadChecksum {
  readonly algorithm: 'md5' | 'sha256';
  /** The digest in hexadecimal (either case). */
  readonly hex: string;
}

/** A hash of `algorithm` that has already taken the first `bytes` bytes of `path`. */
export async function hashOfPrefix(algorithm: DownloadChecksum['algorithm'], path: string, bytes: number): Promise<Hash> {
  const hash = createHash(algorithm);
  if (bytes > 0) for await (const chunk of createReadStream(path, { end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash;
}
