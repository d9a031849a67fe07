/**
 * Downloads one dataset file over HTTP(S) into the cache. The body streams to
 * `<destination>.part-<random>` while it is hashed; the file is renamed to `destination` only
 * when all Content-Length bytes arrived and the checksum matches. On any failure the partial
 * file is deleted, so the cache only ever holds verified files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { MlpxError, describeError } from '../errors.js';
import type { DownloadProgress } from './dataset.js';

/** The published digest a downloaded file must have. */
export interface Checksum {
  readonly algorithm: 'md5' | 'sha256';
  /** The digest in hexadecimal (either case). */
  readonly hex: string;
}

/** A published file and its digest. */
export interface RemoteFile {
  readonly url: string;
  readonly checksum: Checksum;
}

export interface DownloadRequest extends RemoteFile {
  readonly destination: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

export async function downloadFile(request: DownloadRequest): Promise<void> {
  const { url, destination, checksum, onProgress } = request;
  const folder = dirname(destination);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new MlpxError(`cannot create the cache folder ${folder}: ${describeError(error)}`, {
      cause: error,
    });
  }

  const partial = `${destination}.part-${randomBytes(6).toString('hex')}`;
  try {
    const { body, totalBytes } = await requestFile(url);
    const hash = createHash(checksum.algorithm);
    let receivedBytes = 0;
    const meter = new Transform({
      transform(chunk: Uint8Array, _encoding, callback) {
        receivedBytes += chunk.length;
        hash.update(chunk);
        onProgress?.({ url, receivedBytes, totalBytes });
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(partial, { flags: 'wx' }));
    } catch (error) {
      // A local file error (it has a syscall) is reported below as a failure to save.
      if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error;
      throw truncated(url, receivedBytes, totalBytes, describeError(underlying(error)));
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw truncated(url, receivedBytes, totalBytes, 'the body ended early');
    }
    const actual = hash.digest('hex');
    if (actual !== checksum.hex.toLowerCase()) {
      throw new MlpxError(
        `checksum mismatch for ${url}: expected ${checksum.algorithm} ${checksum.hex}, got ${actual}; the download was discarded`,
      );
    }
    await rename(partial, destination);
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot save ${url} to ${destination}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

interface ResponseBody {
  readonly body: Readable;
  /** From Content-Length, when the server sends it. */
  readonly totalBytes: number | undefined;
}

/** The body of a successful response, or an MlpxError saying why there is none. */
async function requestFile(url: string): Promise<ResponseBody> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new MlpxError(`invalid download URL ${url}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MlpxError(`cannot download ${url}: only http and https URLs are supported`);
  }
  let response: Response;
  try {
    // Identity encoding: the checksum is of the file's bytes, not of a re-encoded transfer.
    response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
  } catch (error) {
    throw new MlpxError(
      `cannot reach ${parsed.host} to download ${url}: ${describeError(underlying(error))}`,
      { cause: error },
    );
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new MlpxError(
      `download of ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
  }
  return {
    body: Readable.fromWeb(response.body),
    totalBytes: parseContentLength(response.headers.get('content-length')),
  };
}

function truncated(
  url: string,
  receivedBytes: number,
  totalBytes: number | undefined,
  reason: string,
): MlpxError {
  const expected =
    totalBytes === undefined ? '' : ` of the ${totalBytes} announced by Content-Length`;
  return new MlpxError(
    `download of ${url} is truncated: received ${receivedBytes} bytes${expected} (${reason})`,
  );
}

/** fetch reports network failures as a generic TypeError whose cause says what happened. */
function underlying(error: unknown): unknown {
  return error instanceof Error && error.cause instanceof Error ? error.cause : error;
}

function parseContentLength(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}
