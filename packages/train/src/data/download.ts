/**
 * Downloads one dataset file over HTTP(S) into the cache. The body streams to
 * `<destination>.partial` while it is hashed; the file is renamed to `destination` only when all
 * Content-Length bytes arrived and the checksum matches, so `destination` only ever names a
 * verified file. A download cut short keeps its `.partial` file, and the next download asks the
 * server for the rest (an HTTP Range request) and hashes the kept bytes first; a server that
 * ignores Range sends the whole file again. A checksum mismatch or a local error deletes the
 * partial file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';

import { describeError, fetchFailureCause, MlpxError } from '@mlpx/core';
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

  const partial = `${destination}.partial`;
  let keepPartial = false;
  try {
    const kept = (await stat(partial).catch(() => undefined))?.size ?? 0;
    const { body, totalBytes, resumedFrom } = await requestFile(url, kept);
    const hash = createHash(checksum.algorithm);
    if (resumedFrom > 0) for await (const chunk of createReadStream(partial, { end: resumedFrom - 1 })) hash.update(chunk as Buffer);
    let receivedBytes = resumedFrom;
    // Written chunk by chunk (not with pipeline) so that when the body breaks off, what arrived
    // is flushed to the partial file rather than discarded with the destroyed stream.
    const out = createWriteStream(partial, { flags: resumedFrom > 0 ? 'a' : 'w' });
    let writeError: Error | undefined;
    out.on('error', (error) => (writeError ??= error));
    let cut: unknown;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        receivedBytes += chunk.length;
        hash.update(chunk);
        onProgress?.({ url, receivedBytes, totalBytes });
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).syscall !== undefined) throw error; // a local file error
      cut = error;
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (writeError) throw writeError;
    if (cut !== undefined) {
      keepPartial = true;
      throw truncated(url, partial, receivedBytes, totalBytes, describeError(fetchFailureCause(cut)));
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      keepPartial = receivedBytes < totalBytes;
      throw truncated(url, partial, receivedBytes, totalBytes, 'the body ended early');
    }
    const actual = hash.digest('hex');
    if (actual !== checksum.hex.toLowerCase()) {
      throw new MlpxError(
        `checksum mismatch for ${url}: expected ${checksum.algorithm} ${checksum.hex}, got ${actual}; the download was discarded`,
      );
    }
    await rename(partial, destination);
  } catch (error) {
    if (!keepPartial) await rm(partial, { force: true });
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot save ${url} to ${destination}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

interface ResponseBody {
  readonly body: Readable;
  /** The whole file's size (Content-Length, or Content-Range's total), when the server says. */
  readonly totalBytes: number | undefined;
  /** The byte the body starts at: `from` when the server honoured the Range request, else 0. */
  readonly resumedFrom: number;
}

/**
 * The body of a successful response (from byte `from` when the server supports ranges), or an
 * MlpxError saying why there is none.
 */
async function requestFile(url: string, from: number): Promise<ResponseBody> {
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
    response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...(from > 0 ? { range: `bytes=${from}-` } : {}) } });
  } catch (error) {
    throw new MlpxError(
      `cannot reach ${parsed.host} to download ${url}: ${describeError(fetchFailureCause(error))}`,
      { cause: error },
    );
  }
  if (from > 0 && response.status === 416) {
    // The kept bytes are not a prefix the server can continue (the file changed): start over.
    await response.body?.cancel();
    return requestFile(url, 0);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new MlpxError(
      `download of ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
  }
  const body = Readable.fromWeb(response.body);
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (from > 0 && response.status === 206 && range && Number(range[1]) === from) {
    return { body, totalBytes: Number(range[2]), resumedFrom: from };
  }
  if (response.status === 206) {
    body.destroy();
    if (from === 0) throw new MlpxError(`download of ${url} failed: the server sent part of the file (HTTP 206) when asked for all of it`);
    return requestFile(url, 0); // a range we did not ask for: fetch the whole file
  }
  return { body, totalBytes: parseContentLength(response.headers.get('content-length')), resumedFrom: 0 };
}

function truncated(
  url: string,
  partial: string,
  receivedBytes: number,
  totalBytes: number | undefined,
  reason: string,
): MlpxError {
  const expected =
    totalBytes === undefined ? '' : ` of the ${totalBytes} announced by Content-Length`;
  return new MlpxError(
    `download of ${url} is truncated: received ${receivedBytes} bytes${expected} (${reason}); ` +
      `they are kept in ${partial} and the next download continues from them`,
  );
}

function parseContentLength(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}
