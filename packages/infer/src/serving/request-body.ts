/**
 * Reads a request's body into one buffer, up to the server's limit (--max-body-bytes): a body
 * declared or found larger is a 413, read to its end and dropped (so that the client gets the
 * answer instead of a reset connection) unless it runs past 16 times the limit, where the
 * connection is closed. A gzip or deflate Content-Encoding (as tritonclient's
 * request_compression_algorithm sends) is undone, within the same limit.
 */
import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { ProtocolError, badRequest } from './protocol-error.js';

const DRAIN_FACTOR = 16;

function tooLarge(bytes: number | undefined, limit: number): ProtocolError {
  const size = bytes === undefined ? 'larger than' : `${bytes} bytes, over`;
  return new ProtocolError(413, `the request body is ${size} the limit of ${limit} bytes (mlpx serve --max-body-bytes)`);
}

/** The declared Content-Length, when there is one. */
function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** Reads the body and discards it, then rejects with 413; destroys the connection if it goes on too long. */
function drain(request: IncomingMessage, limit: number, declared: number | undefined): Promise<never> {
  return new Promise((_, reject) => {
    let seen = 0;
    request.removeAllListeners('data');
    request.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit * DRAIN_FACTOR) request.socket.destroy();
    });
    request.once('end', () => reject(tooLarge(declared ?? seen, limit)));
    request.once('close', () => reject(tooLarge(declared ?? seen, limit)));
    request.resume();
  });
}

function readRaw(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limit) return drain(request, limit, declared);
  return new Promise<Buffer>((resolve, reject) => {
    // With a declared length, one buffer of that size is filled in place; otherwise chunks are kept.
    const whole = declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let failed = false;
    const onData = (chunk: Buffer): void => {
      if (failed) return;
      if (received + chunk.length > (whole ? whole.length : limit)) {
        failed = true;
        request.off('data', onData);
        drain(request, limit, undefined).catch(reject);
        return;
      }
      if (whole) chunk.copy(whole, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    let ended = false;
    request.on('data', onData);
    request.once('end', () => {
      ended = true;
      if (failed) return;
      if (whole) resolve(received === whole.length ? whole : whole.subarray(0, received));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    });
    request.once('error', (error) => {
      if (!failed) reject(badRequest(`the request body could not be read: ${error.message}`));
    });
    // A client that goes away before the end of its body.
    request.once('close', () => {
      if (!ended && !failed) reject(badRequest(`the request body ended after ${received} bytes: the client closed the connection`));
    });
  });
}

function decompress(body: Buffer, encoding: string, limit: number): Buffer {
  const options = { maxOutputLength: limit };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body, options);
    try {
      return inflateSync(body, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw error;
      return inflateRawSync(body, options); // "deflate" sent without zlib's wrapper
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(undefined, limit);
    throw badRequest(`the request body is not valid ${encoding} data (Content-Encoding: ${encoding}): ${(error as Error).message}`);
  }
}

/** The request's body, decompressed. */
export async function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'deflate'].includes(encoding)) {
    await readRaw(request, limit).catch(() => undefined);
    throw new ProtocolError(415, `Content-Encoding '${encoding}' is not supported: send gzip, deflate or an uncompressed body`);
  }
  const body = await readRaw(request, limit);
  return encoding === 'identity' || encoding === '' ? body : decompress(body, encoding, limit);
}
