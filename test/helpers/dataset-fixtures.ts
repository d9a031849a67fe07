/**
 * Writers for test fixtures in the official formats: CIFAR-100 binary records and their .tar.gz,
 * IDX files, plus temporary folders and a local HTTP server for the download tests.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { expect } from 'vitest';

import { MlpxError } from '@mlpx/core/src/errors.js';

/** Awaits `promise`, which must reject with an MlpxError whose message holds every fragment. */
export async function expectMlpxError(promise: Promise<unknown>, ...fragments: string[]): Promise<MlpxError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MlpxError);
  for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
  return error as MlpxError;
}

/** Pixel value of a CIFAR fixture record: channel c (0 red, 1 green, 2 blue), plane index p. */
export function cifarPixel(record: number, channel: number, pixel: number): number {
  return (record * 31 + channel * 101 + pixel * 7) % 256;
}

/** CIFAR-100 binary records (coarse, fine, red plane, green plane, blue plane) for `fineLabels`. */
export function cifarRecords(fineLabels: readonly number[]): Buffer {
  const recordBytes = 2 + 3 * 1024;
  const data = Buffer.alloc(fineLabels.length * recordBytes);
  fineLabels.forEach((fine, record) => {
    const start = record * recordBytes;
    data[start] = fine % 20;
    data[start + 1] = fine;
    for (let channel = 0; channel < 3; channel++) {
      for (let pixel = 0; pixel < 1024; pixel++) {
        data[start + 2 + channel * 1024 + pixel] = cifarPixel(record, channel, pixel);
      }
    }
  });
  return data;
}

export const CIFAR_FINE_NAMES = Array.from({ length: 100 }, (_, i) => `class-${i}`);

/** The files of a small CIFAR-100 binary release: 20 train and 10 test records. */
export function cifarFiles(): Record<string, Buffer> {
  return {
    'train.bin': cifarRecords(Array.from({ length: 20 }, (_, i) => (i * 7) % 100)),
    'test.bin': cifarRecords(Array.from({ length: 10 }, (_, i) => 99 - i)),
    'fine_label_names.txt': Buffer.from(`${CIFAR_FINE_NAMES.join('\n')}\n\n`),
    'coarse_label_names.txt': Buffer.from(`${Array.from({ length: 20 }, (_, i) => `super-${i}`).join('\n')}\n`),
  };
}

/** Writes a .tar.gz holding `files` (name to content), in order, as tar-stream packs them. */
export async function writeTarGz(path: string, files: Record<string, Buffer>): Promise<void> {
  const archive = pack();
  const written = pipeline(archive, createGzip(), createWriteStream(path));
  for (const [name, content] of Object.entries(files)) {
    archive.entry({ name, size: content.length }, content);
  }
  archive.finalize();
  await written;
}

/** The CIFAR-100 fixture as the official archive lays it out, under cifar-100-binary/. */
export async function writeCifarArchive(path: string, files: Record<string, Buffer> = cifarFiles()): Promise<void> {
  await writeTarGz(path, Object.fromEntries(Object.entries(files).map(([name, content]) => [`cifar-100-binary/${name}`, content])));
}

/** An IDX file of unsigned bytes: magic 0x000008DD, the sizes, then the values. */
export function idxFile(sizes: readonly number[], values: Uint8Array, magic?: number): Buffer {
  const header = Buffer.alloc(4 + 4 * sizes.length);
  header.writeUInt32BE(magic ?? 0x0800 + sizes.length, 0);
  sizes.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, values]);
}

/** count 28x28 images whose pixel (row, col) of image i is (i + row * 3 + col) % 256. */
export function idxImages(count: number): Buffer {
  const values = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < count; i++) {
    for (let row = 0; row < 28; row++) {
      for (let col = 0; col < 28; col++) values[(i * 28 + row) * 28 + col] = (i + row * 3 + col) % 256;
    }
  }
  return idxFile([count, 28, 28], values);
}

export function idxLabels(labels: readonly number[]): Buffer {
  return idxFile([labels.length], Uint8Array.from(labels));
}

/** A fresh temporary folder and a function that removes it. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'mlpx-data-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A local HTTP server on a free port; `handle` answers each request to a path. */
export async function startServer(
  handle: (path: string, response: ServerResponse, request: IncomingMessage) => void,
): Promise<{ url: (path: string) => string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    handle(request.url ?? '', response, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on a port where nothing listens: the port of a server that was started and closed. */
export async function unreachableUrl(path: string): Promise<string> {
  const server = await startServer(() => undefined);
  const url = server.url(path);
  await server.close();
  return url;
}

/**
 * The environment of a machine that has no Fashion-MNIST and no network: the Debian folder
 * missing, an empty cache, the download URL unreachable. The loader then falls back to the sample
 * shipped in packages/train.
 */
export async function offlineFashionMnist(folder: string): Promise<Record<string, string>> {
  return {
    MLPX_FASHION_MNIST_SYSTEM_DIR: join(folder, 'no-debian-fashion-mnist'),
    MLPX_DATA_DIR: join(folder, 'empty-cache'),
    MLPX_FASHION_MNIST_URL: await unreachableUrl('/fashion-mnist/'),
  };
}
