/**
 * Downloads one wheel into `<destination>.part`, hashing it as it arrives; renames it to
 * `destination` only when its sha256 is the one the index published. A connection that breaks
 * off is continued with an HTTP Range request (the kept bytes are hashed first), up to
 * `attempts` times in one run; a `.part` left by an earlier run is continued the same way. A
 * server that ignores Range sends the whole file again. A checksum mismatch deletes the file and
 * is refused with an error that names the file and both hashes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname } from 'node:path';
import { Readable } from 'node:stream';
import { describeError, MlpxError } from '@mlpx/core';
import { httpFailure, httpGet, unreachable } from './http.js';

export interface WheelDownloadProgress {
  readonly url: string;
  readonly receivedBytes: number;
  /** undefined when neither the index nor the server says. */
  readonly totalBytes: number | undefined;
}

export interface WheelDownload {
  readonly url: string;
  readonly sha256: string;
  readonly destination: string;
  /** The size the index published, if any (a check, and the progress total). */
  readonly size?: number | undefined;
  readonly onProgress?: (progress: WheelDownloadProgress) => void;
  /** Connections tried before giving up (default 4). */
  readonly attempts?: number;
}

export interface DownloadedWheel {
  readonly path: string;
  /** Bytes that came over the network in this run (less than the size when resumed). */
  readonly transferredBytes: number;
  readonly resumed: boolean;
}

class Cut extends Error {}

const IDLE_MS = 60_000;

async function partSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

async function hashFile(path: string, end: number): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha256');
  if (end > 0) for await (const chunk of createReadStream(path, { end: end - 1 })) hash.update(chunk as Buffer);
  return hash;
}

/** One connection: appends what arrives to `part`; returns the total size, or throws Cut. */
async function transfer(request: WheelDownload, part: string, from: number, counted: { bytes: number }): Promise<{ hash: ReturnType<typeof createHash>; size: number }> {
  // A connection that goes quiet for IDLE_MS is dropped and continued (a Range request), not waited on forever.
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
  const alive = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
  };
  try {
    return await receive(request, part, from, counted, idle.signal, alive);
  } finally {
    clearTimeout(timer);
  }
}

async function receive(
  request: WheelDownload,
  part: string,
  from: number,
  counted: { bytes: number },
  signal: AbortSignal,
  alive: () => void,
): Promise<{ hash: ReturnType<typeof createHash>; size: number }> {
  const { url } = request;
  let response: Response;
  try {
    response = await httpGet(url, { 'Accept-Encoding': 'identity', ...(from > 0 ? { Range: `bytes=${from}-` } : {}) }, undefined, signal);
  } catch (error) {
    if (signal.aborted) throw new Cut(describeError(signal.reason));
    throw error;
  }
  if (from > 0 && response.status === 416) {
    await response.body?.cancel();
    await rm(part, { force: true });
    return transfer(request, part, 0, counted);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw httpFailure(url, response);
  }
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  let start = 0;
  let total = request.size;
  if (response.status === 206) {
    if (!range || Number(range[1]) !== from) {
      await response.body.cancel();
      if (from === 0) throw new MlpxError(`${url} sent part of the file (HTTP 206) when asked for all of it`);
      return transfer(request, part, 0, counted);
    }
    start = from;
    total = Number(range[2]);
  } else {
    const length = response.headers.get('content-length');
    if (length && /^\d+$/.test(length)) total = Number(length);
  }
  const hash = await hashFile(part, start);
  const out = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  let writeError: Error | undefined;
  out.on('error', (error) => (writeError ??= error));
  let received = start;
  let cut: unknown;
  try {
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>) as AsyncIterable<Buffer>) {
      alive();
      received += chunk.length;
      counted.bytes += chunk.length;
      hash.update(chunk);
      request.onProgress?.({ url, receivedBytes: received, totalBytes: total });
      if (!out.write(chunk)) await once(out, 'drain');
      if (writeError) break;
    }
  } catch (error) {
    cut = error;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (writeError) throw new MlpxError(`cannot write ${part}: ${describeError(writeError)}`);
  if (cut !== undefined || (total !== undefined && received < total)) throw new Cut(cut !== undefined ? describeError(cut) : `the body ended after ${received} of ${total} bytes`);
  return { hash, size: received };
}

export async function downloadWheel(request: WheelDownload): Promise<DownloadedWheel> {
  const { url, destination } = request;
  const part = `${destination}.part`;
  try {
    await mkdir(dirname(destination), { recursive: true });
  } catch (error) {
    throw new MlpxError(`cannot create the download folder ${dirname(destination)}: ${describeError(error)}`);
  }
  const attempts = request.attempts ?? 4;
  const counted = { bytes: 0 };
  const resumed = (await partSize(part)) > 0;
  let lastCut = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const from = await partSize(part);
    let result: { hash: ReturnType<typeof createHash>; size: number };
    try {
      result = await transfer(request, part, from, counted);
    } catch (error) {
      if (error instanceof Cut) {
        lastCut = error.message;
        continue;
      }
      if (error instanceof MlpxError) throw error;
      throw unreachable(url, error);
    }
    const actual = result.hash.digest('hex');
    if (actual !== request.sha256.toLowerCase()) {
      await rm(part, { force: true });
      throw new MlpxError(
        `checksum mismatch for ${basename(destination)} (${url}): the index says sha256 ${request.sha256.toLowerCase()}, the download has ${actual}; it was deleted and nothing was installed`,
      );
    }
    await rename(part, destination);
    return { path: destination, transferredBytes: counted.bytes, resumed: resumed || attempt > 1 };
  }
  throw new MlpxError(
    `the download of ${url} broke off ${attempts} times (last: ${lastCut}); the ${await partSize(part)} bytes received are kept in ${part} and the next \`mlpx setup cuda\` continues from them`,
  );
}
