import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { loadCifar100 } from '@mlpx/train/src/data/cifar100.js';
import type { DownloadProgress } from '@mlpx/train/src/data/dataset.js';
import { type Checksum, downloadFile } from '@mlpx/train/src/data/download.js';
import { FASHION_MNIST_FILES, type FashionMnistFile, loadFashionMnist } from '@mlpx/train/src/data/fashion-mnist.js';
import { expectMlpxError, idxImages, idxLabels, startServer, tempDir, unreachableUrl, writeCifarArchive } from '../../helpers/dataset-fixtures.js';

const BODY = Buffer.from('0123456789'.repeat(10_000));
const md5 = (data: Buffer): Checksum => ({
  algorithm: 'md5',
  hex: createHash('md5').update(data).digest('hex'),
});
const sha256 = (data: Buffer): Checksum => ({
  algorithm: 'sha256',
  hex: createHash('sha256').update(data).digest('hex'),
});

/**
 * Files the server serves, by path. '/truncated' sends half of BODY under BODY's length;
 * '/resumable' does so too, but answers a Range request with the rest (206); '/no-range' ignores
 * Range and sends the whole file.
 */
const served = new Map<string, Buffer>([['/file.bin', BODY]]);
const ranges: (string | undefined)[] = [];
let server: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  server = await startServer((path, response, request) => {
    const range = request.headers.range;
    ranges.push(range);
    const start = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    if (path === '/resumable' && start > 0) {
      response.writeHead(206, { 'content-length': String(BODY.length - start), 'content-range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` });
      response.end(BODY.subarray(start));
      return;
    }
    if (path === '/no-range' && start > 0) {
      response.writeHead(200, { 'content-length': String(BODY.length) }).end(BODY);
      return;
    }
    if (path === '/truncated' || path === '/resumable' || path === '/no-range') {
      response.writeHead(200, { 'content-length': String(BODY.length) });
      response.write(BODY.subarray(0, BODY.length / 2), () => response.socket?.destroy());
      return;
    }
    const content = served.get(path);
    if (content === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-length': String(content.length) }).end(content);
  });
});
afterAll(async () => {
  await server.close();
});

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
  server.requests.length = 0;
  ranges.length = 0;
});
afterEach(async () => {
  await dir.remove();
});

const destination = () => join(dir.path, 'cache', 'file.bin');
const cacheEntries = async () => readdir(join(dir.path, 'cache')).catch(() => []);

describe('downloadFile', () => {
  it('saves a file whose checksum matches, reporting progress', async () => {
    const progress: DownloadProgress[] = [];
    await downloadFile({
      url: server.url('/file.bin'),
      destination: destination(),
      checksum: sha256(BODY),
      onProgress: (update) => progress.push(update),
    });
    expect(await readFile(destination())).toEqual(BODY);
    expect(await cacheEntries()).toEqual(['file.bin']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({
      url: server.url('/file.bin'),
      receivedBytes: BODY.length,
      totalBytes: BODY.length,
    });
    const received = progress.map((update) => update.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('rejects a checksum mismatch with both digests and keeps nothing', async () => {
    const wrong = md5(Buffer.from('something else'));
    const error = await expectMlpxError(
      downloadFile({ url: server.url('/file.bin'), destination: destination(), checksum: wrong }),
      'checksum mismatch',
      server.url('/file.bin'),
      `expected md5 ${wrong.hex}`,
      `got ${md5(BODY).hex}`,
    );
    expect(error.message).not.toContain('\n    at ');
    expect(await cacheEntries()).toEqual([]);
  });

  it('rejects a body shorter than Content-Length, keeping the bytes for the next download', async () => {
    await expectMlpxError(
      downloadFile({
        url: server.url('/truncated'),
        destination: destination(),
        checksum: md5(BODY),
      }),
      server.url('/truncated'),
      `is truncated: received ${BODY.length / 2} bytes of the ${BODY.length} announced by Content-Length`,
    );
    expect(await cacheEntries()).toEqual(['file.bin.partial']);
    expect((await readFile(`${destination()}.partial`)).length).toBe(BODY.length / 2);
  });

  it('resumes a cut download with a Range request, and verifies the whole file', async () => {
    const request = { url: server.url('/resumable'), destination: destination(), checksum: sha256(BODY) };
    await expect(downloadFile(request)).rejects.toThrow(/is truncated/);
    await downloadFile(request);
    expect(ranges).toEqual([undefined, `bytes=${BODY.length / 2}-`]);
    expect(await readFile(destination())).toEqual(BODY);
    expect(await cacheEntries()).toEqual(['file.bin']);
  });

  it('starts over when the server ignores Range', async () => {
    const request = { url: server.url('/no-range'), destination: destination(), checksum: md5(BODY) };
    await expect(downloadFile(request)).rejects.toThrow(/is truncated/);
    await downloadFile(request);
    expect(await readFile(destination())).toEqual(BODY);
    expect(await cacheEntries()).toEqual(['file.bin']);
  });

  it('discards kept bytes that do not make the published file', async () => {
    const request = { url: server.url('/resumable'), destination: destination(), checksum: md5(BODY) };
    await expect(downloadFile(request)).rejects.toThrow(/is truncated/);
    await writeFile(`${destination()}.partial`, Buffer.alloc(BODY.length / 2, 0x21));
    await expect(downloadFile(request)).rejects.toThrow(/checksum mismatch/);
    expect(await cacheEntries()).toEqual([]);
  });

  it('reports the HTTP status of a missing file and keeps nothing', async () => {
    await expectMlpxError(
      downloadFile({
        url: server.url('/missing.bin'),
        destination: destination(),
        checksum: md5(BODY),
      }),
      server.url('/missing.bin'),
      'HTTP 404 Not Found',
    );
    expect(await cacheEntries()).toEqual([]);
  });

  it('reports an unreachable host and keeps nothing', async () => {
    const url = await unreachableUrl('/file.bin');
    await expectMlpxError(downloadFile({ url, destination: destination(), checksum: md5(BODY) }), `cannot reach ${new URL(url).host}`, url, 'ECONNREFUSED');
    expect(await cacheEntries()).toEqual([]);
  });

  it('rejects an invalid URL', async () => {
    await expectMlpxError(downloadFile({ url: 'not a url', destination: destination(), checksum: md5(BODY) }), 'invalid download URL not a url');
  });
});

describe('dataset downloads into the cache', () => {
  it('downloads CIFAR-100 once, then loads it from the cache', async () => {
    const archive = join(dir.path, 'served.tar.gz');
    await writeCifarArchive(archive);
    const content = await readFile(archive);
    served.set('/cifar-100-binary.tar.gz', content);
    const remote = { url: server.url('/cifar-100-binary.tar.gz'), checksum: md5(content) };
    const dataDir = join(dir.path, 'cache');
    const progress: DownloadProgress[] = [];
    const infos: string[] = [];
    const options = {
      dataDir,
      onDownloadProgress: (update: DownloadProgress) => progress.push(update),
      onInfo: (message: string) => infos.push(message),
    };

    const first = await loadCifar100(options, remote);
    expect(first.train.count).toBe(20);
    expect(first.source).toBe(join(dataDir, 'cifar-100-binary.tar.gz'));
    expect(await readdir(dataDir)).toEqual(['cifar-100-binary.tar.gz']);
    expect(progress.at(-1)?.receivedBytes).toBe(content.length);
    expect(server.requests).toEqual(['/cifar-100-binary.tar.gz']);

    const second = await loadCifar100(options, remote);
    expect(second.test.count).toBe(10);
    expect(server.requests).toHaveLength(1);
    expect(infos).toEqual([`downloading ${remote.url} to ${first.source}`, `using ${first.source}`]);
  });

  it('rejects a CIFAR-100 download with the wrong checksum and caches nothing', async () => {
    served.set('/cifar-100-binary.tar.gz', BODY);
    const remote = { url: server.url('/cifar-100-binary.tar.gz'), checksum: md5(Buffer.from('x')) };
    await expectMlpxError(loadCifar100({ dataDir: join(dir.path, 'cache') }, remote), 'checksum mismatch');
    expect(await cacheEntries()).toEqual([]);
  });

  it('downloads the Fashion-MNIST files missing from the cache when no system copy exists', async () => {
    const files: Record<FashionMnistFile, Buffer> = {
      'train-images-idx3-ubyte': gzipSync(idxImages(4)),
      'train-labels-idx1-ubyte': gzipSync(idxLabels([1, 2, 3, 4])),
      't10k-images-idx3-ubyte': gzipSync(idxImages(2)),
      't10k-labels-idx1-ubyte': gzipSync(idxLabels([9, 8])),
    };
    for (const [name, content] of Object.entries(files)) served.set(`/fmnist/${name}.gz`, content);
    const cacheDir = join(dir.path, 'cache', 'fashion-mnist');
    // One file is already in the cache: only the other three are fetched.
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, 'train-labels-idx1-ubyte.gz'), files['train-labels-idx1-ubyte']);

    const dataset = await loadFashionMnist(
      { dataDir: join(dir.path, 'cache') },
      {
        systemDir: join(dir.path, 'no-system-copy'),
        baseUrl: server.url('/fmnist'),
        checksums: {
          'train-images-idx3-ubyte': md5(files['train-images-idx3-ubyte']),
          'train-labels-idx1-ubyte': md5(files['train-labels-idx1-ubyte']),
          't10k-images-idx3-ubyte': md5(files['t10k-images-idx3-ubyte']),
          't10k-labels-idx1-ubyte': md5(files['t10k-labels-idx1-ubyte']),
        },
      },
    );
    expect(dataset.source).toBe(cacheDir);
    expect(Array.from(dataset.train.labels)).toEqual([1, 2, 3, 4]);
    expect(Array.from(dataset.test.labels)).toEqual([9, 8]);
    expect(server.requests.sort()).toEqual(['/fmnist/t10k-images-idx3-ubyte.gz', '/fmnist/t10k-labels-idx1-ubyte.gz', '/fmnist/train-images-idx3-ubyte.gz']);
    expect((await readdir(cacheDir)).sort()).toEqual(FASHION_MNIST_FILES.map((name) => `${name}.gz`).sort());
  });
});
