/**
 * Downloads one published file so that its destination only ever names a verified copy: the bytes
 * collect in a partial file, hashed as they arrive, and the partial file is renamed to the
 * destination only when the whole file arrived and its digest is the published one. A connection
 * that breaks off (or goes quiet past the idle limit) is continued with an HTTP Range request, the
 * kept bytes hashed first, as many times as the caller's retry policy allows; after that the bytes
 * stay in the partial file and the next download continues from them (a partial file left by an
 * earlier run is continued the same way). A checksum mismatch or a local file error deletes the
 * partial file. Dataset downloads and `mlpx setup cuda`'s wheel downloads share this routine and
 * differ in what they pass: their messages, retry policy, checksum and progress callback.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MlpxError } from '../errors.js';
import type { DownloadChecksum } from './download-checksum.js';
import { connect } from './download-connection.js';
import { checkHttpUrl } from './http-url.js';
import type { DownloadMessages, DownloadTarget } from './download-messages.js';
import type { DownloadProgress } from './download-progress.js';

export interface RetryPolicy {
  /** Connections tried in one download before giving up, each continuing where the last broke off (at least 1). */
  readonly attempts: number;
  /** A connection that sends nothing for this long is dropped and counts as broken off; undefined waits forever. */
  readonly idleTimeoutMs?: number | undefined;
}

export interface ResumableDownload extends DownloadTarget {
  readonly checksum: DownloadChecksum;
  /** The size published beside the URL, if any: the total when the response does not say. */
  readonly expectedBytes?: number | undefined;
  readonly retry: RetryPolicy;
  readonly messages: DownloadMessages;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

export interface DownloadedFile {
  readonly path: string;
  /** Bytes that came over the network in this download (fewer than the size when resumed). */
  readonly transferredBytes: number;
  /** Whether bytes from an earlier connection were kept (a partial file was there, or a connection broke off). */
  readonly resumed: boolean;
}

/** Downloads `request.url` to `request.destination` by way of `request.partial` (in the same folder). */
export async function downloadResumable(request: ResumableDownload): Promise<DownloadedFile> {
  if (!(request.retry.attempts >= 1)) throw new RangeError(`a download needs at least 1 attempt, not ${request.retry.attempts}`);
  const { url, destination, partial, messages } = request;
  const folder = dirname(destination);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new MlpxError(messages.folderNotCreated(folder, error), { cause: error });
  }
  checkHttpUrl(url, messages);
  try {
    return await transferAndVerify(request);
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    await rm(partial, { force: true });
    throw new MlpxError(messages.localError(request, error), { cause: error });
  }
}

async function transferAndVerify(request: ResumableDownload): Promise<DownloadedFile> {
  const { partial, destination, checksum, retry, messages } = request;
  const keptAtStart = (await sizeOf(partial)) > 0;
  let transferredBytes = 0;
  for (let attempt = 1; ; attempt++) {
    const outcome = await connect({
      url: request.url,
      partial,
      from: await sizeOf(partial),
      algorithm: checksum.algorithm,
      expectedBytes: request.expectedBytes,
      idleTimeoutMs: retry.idleTimeoutMs,
      messages,
      onProgress: request.onProgress,
    });
    transferredBytes += outcome.transferredBytes;
    if (outcome.complete) {
      if (outcome.digest !== checksum.hex.toLowerCase()) {
        await rm(partial, { force: true });
        throw new MlpxError(messages.checksumMismatch(request, checksum, outcome.digest));
      }
      await rename(partial, destination);
      return { path: destination, transferredBytes, resumed: keptAtStart || attempt > 1 };
    }
    if (attempt >= retry.attempts) {
      const { receivedBytes, totalBytes, cause } = outcome;
      const message = messages.brokeOff(request, { attempts: retry.attempts, receivedBytes, totalBytes, cause });
      throw new MlpxError(message, cause === undefined ? undefined : { cause });
    }
  }
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
