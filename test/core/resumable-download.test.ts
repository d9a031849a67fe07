/**
 * downloadResumable against a local HTTP server whose behaviour each test sets: a connection cut
 * half way and continued with a Range request, a server that ignores Range or answers 416, a
 * response that ends short, one that goes quiet, a digest mismatch, the retry policy's limit, and
 * every failure worded by the caller's messages (tagged texts here, so each test sees which one
 * was used and with what).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import * as browserEntry from '@mlpx/core/src/browser.js';
import { describeError, fetchFailureCause } from '@mlpx/core/src/errors.js';
import type { DownloadChecksum } from '@mlpx/core/src/files/download-checksum.js';
import type { DownloadMessages } from '@mlpx/core/src/files/download-messages.js';
import type { DownloadProgress } from '@mlpx/core/src/files/download-progress.js';
import { downloadResumable, type ResumableDownload, type RetryPolicy } from '@mlpx/core/src/files/resumable-download.js';
import * as nodeEntry from '@mlpx/core/src/index.js';
import { expectMlpxError, startServer, tempDir, unreachableUrl } from '../helpers/dataset-fixtures.js';

const BODY = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) % 251));
const HALF = BODY.length / 2;
const sha256 = (data: Buffer): DownloadChecksum => ({ algorithm: 'sha256', hex: createHash('sha256').update(data).digest('hex') });

const messages: DownloadMessages = {
  folderNotCreated: (folder) => `folder ${folder}`,
  invalidUrl: (url) => `invalid ${url}`,
  unsupportedProtocol: (url) => `protocol ${url}`,
  unreachable: (url, error) => `unreachable ${url}: ${describeError(fetchFailureCause(error))}`,
  httpStatus: (url, status, statusText) => `status ${url}: ${status} ${statusText}`,
  partialContent: (url) => `partial content ${url}`,
  brokeOff: ({ partial }, { attempts, receivedBytes, totalBytes, cause }) =>
    `broke off ${attempts}: ${receivedBytes} of ${totalBytes} in ${partial} (${cause === undefined ? 'ended early' : describeError(cause)})`,
  checksumMismatch: ({ destination }, expected, actual) => `mismatch ${destination}: ${expected.algorithm} ${expected.hex} ${actual}`,
  localError: ({ partial }, error) => `local ${partial}: ${describeError(error)}`,
};

/** What the server does with the n-th request (0-based) of the test. */
type Behaviour = (request: IncomingMessage, response: ServerResponse, n: number) => void;
let behaviour: Behaviour;
const ranges: (string | undefined)[] = [];

/**
 * Sends BODY from the byte a Range request asks for (206), or all of it (200) when there is no
 * Range or `ignoreRange`; with `cutAfter`, the connection is cut after that many bytes of the body.
 */
function send(request: IncomingMessage, response: ServerResponse, options: { ignoreRange?: boolean; cutAfter?: number } = {}): void {
  const asked = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const start = asked && !options.ignoreRange ? Number(asked[1]) : 0;
  const rest = BODY.subarray(start);
  if (start > 0) response.writeHead(206, { 'content-length': String(rest.length), 'content-range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` });
  else response.writeHead(200, { 'content-length': String(BODY.length) });
  if (options.cutAfter === undefined) response.end(rest);
  else response.write(rest.subarray(0, options.cutAfter), () => response.socket?.destroy());
}

let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((_path, response, request) => {
    ranges.push(request.headers.range);
    behaviour(request, response, ranges.length - 1);
  });
});
afterAll(async () => {
  await server.close();
});

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
  ranges.length = 0;
  behaviour = (request, response) => send(request, response);
});
afterEach(async () => {
  await dir.remove();
});

const destination = () => join(dir.path, 'files', 'file.bin');
const partial = () => `${destination()}.part`;
const entries = async () => (await readdir(join(dir.path, 'files')).catch(() => [])).sort();

function download(retry: RetryPolicy, overrides: Partial<ResumableDownload> = {}) {
  return downloadResumable({
    url: server.url('/file.bin'),
    destination: destination(),
    partial: partial(),
    checksum: sha256(BODY),
    retry,
    messages,
    ...overrides,
  });
}

describe('downloadResumable', () => {
  it('saves a file whose digest matches, reporting progress as it arrives', async () => {
    const progress: DownloadProgress[] = [];
    const result = await download({ attempts: 1 }, { onProgress: (update) => progress.push(update) });
    expect(result).toEqual({ path: destination(), transferredBytes: BODY.length, resumed: false });
    expect(await readFile(destination())).toEqual(BODY);
    expect(await entries()).toEqual(['file.bin']);
    expect(ranges).toEqual([undefined]);
    expect(progress.at(-1)).toEqual({ url: server.url('/file.bin'), receivedBytes: BODY.length, totalBytes: BODY.length });
    const received = progress.map((update) => update.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('continues a connection that broke off with a Range request, hashing the kept bytes first', async () => {
    behaviour = (request, response, n) => send(request, response, n === 0 ? { cutAfter: HALF } : {});
    const progress: number[] = [];
    const result = await download({ attempts: 2 }, { onProgress: (update) => progress.push(update.receivedBytes) });
    expect(ranges).toEqual([undefined, `bytes=${HALF}-`]);
    expect(result).toEqual({ path: destination(), transferredBytes: BODY.length, resumed: true });
    expect(await readFile(destination())).toEqual(BODY);
    expect(await entries()).toEqual(['file.bin']);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('continues a partial file an earlier download left', async () => {
    await mkdir(join(dir.path, 'files'));
    await writeFile(partial(), BODY.subarray(0, HALF));
    const result = await download({ attempts: 1 });
    expect(ranges).toEqual([`bytes=${HALF}-`]);
    expect(result).toEqual({ path: destination(), transferredBytes: BODY.length - HALF, resumed: true });
    expect(await readFile(destination())).toEqual(BODY);
  });

  it('takes the whole file again from a server that ignores Range', async () => {
    behaviour = (request, response, n) => send(request, response, { ignoreRange: true, ...(n === 0 ? { cutAfter: HALF } : {}) });
    const result = await download({ attempts: 2 });
    expect(ranges).toEqual([undefined, `bytes=${HALF}-`]);
    expect(result.transferredBytes).toBe(HALF + BODY.length);
    expect(await readFile(destination())).toEqual(BODY);
  });

  it('asks for the whole file when the server answers 416 to the kept bytes', async () => {
    await mkdir(join(dir.path, 'files'));
    await writeFile(partial(), Buffer.alloc(BODY.length + 10));
    behaviour = (request, response) => {
      if (request.headers.range !== undefined) response.writeHead(416, { 'content-range': `bytes */${BODY.length}` }).end();
      else send(request, response);
    };
    await download({ attempts: 1 });
    expect(ranges).toEqual([`bytes=${BODY.length + 10}-`, undefined]);
    expect(await readFile(destination())).toEqual(BODY);
  });

  it('tries as many connections as the retry policy allows and no more, then keeps the bytes for the next download', async () => {
    behaviour = (request, response) => send(request, response, { cutAfter: 1000 });
    const error = await expectMlpxError(download({ attempts: 3 }), `broke off 3: 3000 of ${BODY.length} in ${partial()} (`);
    expect(error.message).not.toContain('ended early');
    expect(ranges).toEqual([undefined, 'bytes=1000-', 'bytes=2000-']);
    expect(await entries()).toEqual(['file.bin.part']);
    expect(await readFile(partial())).toEqual(BODY.subarray(0, 3000));

    ranges.length = 0;
    behaviour = (request, response) => send(request, response);
    expect(await download({ attempts: 1 })).toEqual({ path: destination(), transferredBytes: BODY.length - 3000, resumed: true });
    expect(ranges).toEqual(['bytes=3000-']);
    expect(await readFile(destination())).toEqual(BODY);
  });

  it('counts a body that ends short of the size the caller was given as broken off', async () => {
    // No Content-Length: only the published size says that the body is short.
    behaviour = (_request, response) => {
      response.writeHead(200);
      response.end(BODY.subarray(0, HALF));
    };
    await expectMlpxError(download({ attempts: 1 }, { expectedBytes: BODY.length }), `broke off 1: ${HALF} of ${BODY.length} in ${partial()} (ended early)`);
    expect(await readFile(partial())).toEqual(BODY.subarray(0, HALF));
  });

  it('drops a connection that goes quiet past the idle limit and continues it', async () => {
    behaviour = (request, response, n) => {
      if (n > 0) return send(request, response);
      response.writeHead(200, { 'content-length': String(BODY.length) });
      response.write(BODY.subarray(0, HALF)); // and then nothing
    };
    const result = await download({ attempts: 2, idleTimeoutMs: 300 });
    expect(ranges).toEqual([undefined, `bytes=${HALF}-`]);
    expect(result.resumed).toBe(true);
    expect(await readFile(destination())).toEqual(BODY);

    ranges.length = 0;
    behaviour = () => undefined; // no response at all
    await expectMlpxError(download({ attempts: 1, idleTimeoutMs: 300 }), `broke off 1: 0 of undefined in ${partial()} (no data for 0.3 s)`);
  });

  it('deletes what arrived when its digest is not the published one', async () => {
    const wrong = sha256(Buffer.from('something else'));
    await expectMlpxError(
      download({ attempts: 1 }, { checksum: { algorithm: 'sha256', hex: wrong.hex.toUpperCase() } }),
      `mismatch ${destination()}: sha256 ${wrong.hex.toUpperCase()} ${sha256(BODY).hex}`,
    );
    expect(await entries()).toEqual([]);
  });

  it('deletes kept bytes that do not make the published file', async () => {
    await mkdir(join(dir.path, 'files'));
    await writeFile(partial(), Buffer.alloc(HALF, 0x21));
    await expectMlpxError(download({ attempts: 1 }), `mismatch ${destination()}`);
    expect(ranges).toEqual([`bytes=${HALF}-`]);
    expect(await entries()).toEqual([]);
  });

  it('checks md5 digests too', async () => {
    const md5 = { algorithm: 'md5', hex: createHash('md5').update(BODY).digest('hex') } as const;
    await download({ attempts: 1 }, { checksum: md5 });
    expect(await readFile(destination())).toEqual(BODY);
  });

  it('words an HTTP error, an unreachable host and a bad URL with the caller messages, keeping the kept bytes', async () => {
    await mkdir(join(dir.path, 'files'));
    await writeFile(partial(), BODY.subarray(0, HALF));
    behaviour = (_request, response) => response.writeHead(404).end('not found');
    await expectMlpxError(download({ attempts: 3 }), `status ${server.url('/file.bin')}: 404 Not Found`);
    expect(ranges).toHaveLength(1); // not retried
    const offline = await unreachableUrl('/file.bin');
    await expectMlpxError(download({ attempts: 3 }, { url: offline }), `unreachable ${offline}: `, 'ECONNREFUSED');
    await expectMlpxError(download({ attempts: 1 }, { url: 'not a url' }), 'invalid not a url');
    await expectMlpxError(download({ attempts: 1 }, { url: 'ftp://example.com/file.bin' }), 'protocol ftp://example.com/file.bin');
    expect(await readFile(partial())).toEqual(BODY.subarray(0, HALF));
  });

  it('refuses part of the file sent for a request for all of it', async () => {
    behaviour = (_request, response) => response.writeHead(206, { 'content-range': 'bytes 10-19/100' }).end(BODY.subarray(10, 20));
    await expectMlpxError(download({ attempts: 1 }), `partial content ${server.url('/file.bin')}`);
  });

  it('words a folder it cannot create and a local file error, deleting the partial file', async () => {
    await writeFile(join(dir.path, 'blocker'), '');
    await expectMlpxError(download({ attempts: 1 }, { destination: join(dir.path, 'blocker', 'file.bin') }), `folder ${join(dir.path, 'blocker')}`);
    // A non-empty folder where the file goes: the rename at the end fails.
    await mkdir(join(destination(), 'occupied'), { recursive: true });
    await expectMlpxError(download({ attempts: 1 }), `local ${partial()}: `);
    expect(await entries()).toEqual(['file.bin']);
  });

  it('is exported from the Node entry of @mlpx/core, not from the browser entry', () => {
    expect(nodeEntry.downloadResumable).toBe(downloadResumable);
    expect('downloadResumable' in browserEntry).toBe(false);
  });
});
