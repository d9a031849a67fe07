/**
 * The server behind `mlpx serve`: the demo page (examples/web), the web bundle (mlpx-web.js and
 * onnxruntime-web's .wasm) and one model at /model.onnx, on localhost. Every response carries
 * Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy, which make the page cross-origin
 * isolated so multi-threaded wasm can run.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpxError } from '@mlpx/core';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** Where the demo page and the bundle are, in this repository's layout. */
export const DEMO_FOLDER = fileURLToPath(new URL('../../../../examples/web/', import.meta.url));
export const BUNDLE_FOLDER = fileURLToPath(new URL('../../../infer/dist-web/', import.meta.url));

export interface DemoServer {
  readonly url: string;
  /** How many times each path was requested (for tests and logs). */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

/** The file for a request path: the model, a bundle file, or a demo file; never outside those. */
async function firstExisting(path: string, model: string): Promise<{ file: string; size: number } | undefined> {
  if (path === '/model.onnx') {
    const info = await stat(model).catch(() => undefined);
    return info?.isFile() ? { file: model, size: info.size } : undefined;
  }
  const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^[/\\]+/, '');
  if (relative.startsWith('..')) return undefined;
  for (const folder of [BUNDLE_FOLDER, DEMO_FOLDER]) {
    const file = join(folder, relative);
    if (!file.startsWith(folder)) continue;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return { file, size: info.size };
  }
  return undefined;
}

export async function startDemoServer(options: { model: string; port?: number; host?: string }): Promise<DemoServer> {
  const modelInfo = await stat(options.model).catch(() => undefined);
  if (!modelInfo?.isFile()) throw new MlpxError(`model file ${options.model} does not exist`);
  if (!(await stat(join(BUNDLE_FOLDER, 'mlpx-web.js')).catch(() => undefined))) {
    throw new MlpxError(`the web bundle is not built (${BUNDLE_FOLDER}mlpx-web.js is missing): run npm run build`);
  }
  const requests = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    void firstExisting(path, options.model).then((found) => {
      if (!found || request.method !== 'GET') {
        response.writeHead(found ? 405 : 404, { 'content-type': 'text/plain' }).end(found ? 'method not allowed\n' : 'not found\n');
        return;
      }
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(found.file)] ?? 'application/octet-stream',
        'content-length': String(found.size),
        'cache-control': 'no-cache',
      });
      createReadStream(found.file).pipe(response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new MlpxError(error.code === 'EADDRINUSE' ? `port ${options.port} is in use: choose another with --port` : `cannot serve: ${error.message}`)),
    );
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
