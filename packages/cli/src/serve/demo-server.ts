/**
 * The demo page of `mlpx serve`: the demo page and the web bundle of the installed @mlpx/web
 * (demo/, and dist/ with mlpx-web.js and onnxruntime-web's runtime files in ort/) and one model at
 * /model.onnx. demoRequestHandler answers those paths for the inference server (every path outside
 * its /v2 and /metrics); startDemoServer serves them alone on localhost. Every response carries
 * Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy, which make the page cross-origin
 * isolated so multi-threaded wasm can run.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
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

/** What @mlpx/web serves: its demo page and its built bundle, each folder ending in a separator. */
export interface WebPackageFolders {
  readonly demo: string;
  readonly bundle: string;
}

/** The installed @mlpx/web's folders, found as Node finds the package (so from a tarball or a global install too). */
function webPackageFolders(): WebPackageFolders {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@mlpx/web/package.json');
  } catch {
    throw new MlpxError('mlpx serve needs the @mlpx/web package, which is not installed: npm install @mlpx/web@0.1.0');
  }
  const root = dirname(manifest);
  return { demo: join(root, 'demo') + sep, bundle: join(root, 'dist') + sep };
}

/** The bundle's files the demo page cannot run without. */
const BUNDLE_FILES = ['mlpx-web.js', join('ort', 'ort-wasm-simd-threaded.asyncify.wasm'), join('ort', 'ort-wasm-simd-threaded.asyncify.mjs')];

export interface DemoServer {
  readonly url: string;
  /** How many times each path was requested (for tests and logs). */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

/** The file for a request path: the model, a bundle file, or a demo file; never outside those. */
async function firstExisting(path: string, model: string, folders: WebPackageFolders): Promise<{ file: string; size: number } | undefined> {
  if (path === '/model.onnx') {
    const info = await stat(model).catch(() => undefined);
    return info?.isFile() ? { file: model, size: info.size } : undefined;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path === '/' ? '/index.html' : path);
  } catch {
    return undefined; // a malformed escape: no such file
  }
  const relative = normalize(decoded).replace(/^[/\\]+/, '');
  if (relative.startsWith('..')) return undefined;
  for (const folder of [folders.bundle, folders.demo]) {
    const file = join(folder, relative);
    if (!file.startsWith(folder)) continue;
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return { file, size: info.size };
  }
  return undefined;
}

/** Checks that the installed @mlpx/web has its demo page and built bundle; returns their folders. */
export async function demoFolders(): Promise<WebPackageFolders> {
  const folders = webPackageFolders();
  for (const file of BUNDLE_FILES) {
    if (!(await stat(join(folders.bundle, file)).catch(() => undefined))?.isFile()) {
      throw new MlpxError(`the web bundle of @mlpx/web is not built (${folders.bundle}${file} is missing): run npm run build`);
    }
  }
  if (!(await stat(join(folders.demo, 'index.html')).catch(() => undefined))?.isFile()) {
    throw new MlpxError(`@mlpx/web's demo page is missing (${folders.demo}index.html): reinstall @mlpx/web`);
  }
  return folders;
}

export type DemoRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Answers GET requests for the demo page, the bundle and `model()` at /model.onnx (404 for other
 * paths, 405 for other methods); counts each path requested in `requests`.
 */
export function demoRequestHandler(folders: WebPackageFolders, model: () => string, requests?: Map<string, number>): DemoRequestHandler {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests?.set(path, (requests.get(path) ?? 0) + 1);
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    void firstExisting(path, model(), folders).then((found) => {
      if (!found || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response
          .writeHead(found ? 405 : 404, { 'content-type': 'text/plain', ...(found ? { allow: 'GET, HEAD' } : {}) })
          .end(found ? 'method not allowed\n' : 'not found\n');
        return;
      }
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(found.file)] ?? 'application/octet-stream',
        'content-length': String(found.size),
        'cache-control': 'no-cache',
      });
      if (request.method === 'HEAD') response.end();
      else createReadStream(found.file).pipe(response);
    });
  };
}

/** The demo page and `options.model` alone, on localhost (the web tests' server). */
export async function startDemoServer(options: { model: string; port?: number; host?: string }): Promise<DemoServer> {
  const modelInfo = await stat(options.model).catch(() => undefined);
  if (!modelInfo?.isFile()) throw new MlpxError(`model file ${options.model} does not exist`);
  const folders = await demoFolders();
  const requests = new Map<string, number>();
  const server: Server = createServer(demoRequestHandler(folders, () => options.model, requests));
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
