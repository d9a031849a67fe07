/**
 * One connection of a resumable download: asks for the file from byte `from` (an HTTP Range
 * request when the partial file already holds `from` bytes), appends what arrives to the partial
 * file while hashing it, and says how far it got. Identity encoding is asked for, so that the
 * digest is of the file's bytes, not of a re-encoded transfer. A server that answers 416 (the kept
 * bytes are no longer a prefix of its file) or sends a range starting elsewhere is asked for the
 * whole file instead; one that ignores Range sends the whole file, which replaces the kept bytes.
 * Failures another connection would not mend (no response, an HTTP error) are MlpxErrors in the
 * caller's words; a local file error is thrown as it is.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { MlpxError } from '../errors.js';
import { hashOfPrefix, type DownloadChecksum } from './download-checksum.js';
import type { DownloadMessages } from './download-messages.js';
import type { DownloadProgress } from './download-progress.js';
import { startIdleWatchdog, type IdleWatchdog } from './idle-watchdog.js';

export interface ConnectionRequest {
  readonly url: string;
  readonly partial: string;
  /** The bytes the partial file holds, which the server is asked to continue from. */
  readonly from: number;
  readonly algorithm: DownloadChecksum['algorithm'];
  /** The size the caller was given, used when the response does not say. */
  readonly expectedBytes: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly messages: DownloadMessages;
  readonly onProgress: ((progress: DownloadProgress) => void) | undefined;
}

interface Reach {
  /** The bytes now in the partial file. */
  readonly receivedBytes: number;
  readonly totalBytes: number | undefined;
  /** The bytes this connection brought. */
  readonly transferredBytes: number;
}

/** The partial file holds the whole file; `digest` is its hash in lowercase hexadecimal. */
type CompleteConnection = Reach & { readonly complete: true; readonly digest: string };
/** The connection broke off; `cause` is undefined when the body simply ended short of totalBytes. */
type BrokenConnection = Reach & { readonly complete: false; readonly cause: unknown };
export type ConnectionOutcome = CompleteConnection | BrokenConnection;

interface OpenedBody {
  readonly body: AsyncIterable<Uint8Array>;
  /** The byte the body starts at: `from` when the server continued, else 0. */
  readonly start: number;
  readonly totalBytes: number | undefined;
}

const CONTENT_RANGE = /^bytes (\d+)-\d+\/(\d+)$/;

export async function connect(request: ConnectionRequest): Promise<ConnectionOutcome> {
  // The kept bytes are hashed before asking, not once the body is there: a body that breaks off
  // while nobody reads it loses the bytes that had arrived.
  const kept = await hashOfPrefix(request.algorithm, request.partial, request.from);
  const watchdog = startIdleWatchdog(request.idleTimeoutMs);
  try {
    const opened = await openBody(request, request.from, watchdog.signal);
    if ('cause' in opened) return opened;
    return await appendBody(request, opened, opened.start > 0 ? kept : createHash(request.algorithm), watchdog);
  } finally {
    watchdog.stop();
  }
}

async function openBody(request: ConnectionRequest, from: number, signal: AbortSignal): Promise<OpenedBody | BrokenConnection> {
  const { url, messages } = request;
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...(from > 0 ? { range: `bytes=${from}-` } : {}) }, signal });
  } catch (error) {
    if (signal.aborted) return { complete: false, cause: signal.reason, receivedBytes: from, totalBytes: request.expectedBytes, transferredBytes: 0 };
    throw new MlpxError(messages.unreachable(url, error), { cause: error });
  }
  if (from > 0 && response.status === 416) {
    await response.body?.cancel();
    return openBody(request, await startOver(request.partial), signal);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new MlpxError(messages.httpStatus(url, response.status, response.statusText));
  }
  // Read as the web stream it is: a Node stream made from it would emit the error of a body that
  // breaks off before the reading starts with no listener yet, an uncaught exception.
  const body = response.body;
  if (response.status !== 206) return { body, start: 0, totalBytes: contentLength(response) ?? request.expectedBytes };
  const range = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
  if (range && Number(range[1]) === from) return { body, start: from, totalBytes: Number(range[2]) };
  await response.body.cancel();
  if (from === 0) throw new MlpxError(messages.partialContent(url));
  return openBody(request, await startOver(request.partial), signal);
}

/** Drops the kept bytes, which the server will not continue: the next request is for all of it. */
async function startOver(partial: string): Promise<0> {
  await rm(partial, { force: true });
  return 0;
}

/** Appends the body to the partial file (which holds `opened.start` bytes, already in `hash`). */
async function appendBody(request: ConnectionRequest, opened: OpenedBody, hash: Hash, watchdog: IdleWatchdog): Promise<ConnectionOutcome> {
  const { url, partial, onProgress } = request;
  const { start, totalBytes } = opened;
  // Written chunk by chunk (not with pipeline) so that when the body breaks off, what arrived is
  // flushed to the partial file rather than discarded with the destroyed stream.
  const out = createWriteStream(partial, { flags: start > 0 ? 'a' : 'w' });
  let writeError: Error | undefined;
  out.on('error', (error) => (writeError ??= error));
  let receivedBytes = start;
  let cut: unknown;
  try {
    for await (const chunk of opened.body) {
      watchdog.alive();
      receivedBytes += chunk.length;
      hash.update(chunk);
      onProgress?.({ url, receivedBytes, totalBytes });
      if (!out.write(chunk)) await once(out, 'drain');
      if (writeError) break;
    }
  } catch (error) {
    cut = watchdog.signal.aborted ? watchdog.signal.reason : error;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (writeError) throw writeError;
  const reach = { receivedBytes, totalBytes, transferredBytes: receivedBytes - start };
  if (cut !== undefined || (totalBytes !== undefined && receivedBytes < totalBytes)) return { complete: false, cause: cut, ...reach };
  return { complete: true, digest: hash.digest('hex'), ...reach };
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  return header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
}
