/**
 * startInferenceServer: an HTTP server that speaks the Open Inference Protocol (KServe v2 REST,
 * with Triton's binary tensor data and classification extensions) for one .onnx model or a model
 * repository, over onnxruntime-node, so that a client written for Triton or KServe works against
 * it unchanged.
 *
 *   const server = await startInferenceServer({ model: 'model.onnx', port: 0 });
 *   // POST `${server.url}v2/models/model/infer` ...
 *   await server.close(); // stops accepting, answers what is in flight, releases the sessions
 *
 * Each model version has one ONNX Runtime session and a dynamic batcher (batcher.ts) in front of
 * it. Requests outside the protocol's paths go to `fallback` (mlpx serve's demo page), or get a
 * 404. A bad request is answered with its 4xx and a one-line {"error"} and changes nothing else;
 * no request can stop the server.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { MlpxError, describeError, packageVersion } from '@mlpx/core';
import { openSession, runBatch, type SessionThreading } from '../runtime/onnxruntime-node.js';
import type { ExecutionProvider } from '../runtime/execution-providers.js';
import { Batcher, type BatchOutputs } from './batcher.js';
import { SessionThread } from './session-thread.js';
import { HEADER_LENGTH_HEADER, splitBody } from './binary-data.js';
import { readInferRequest } from './infer-request.js';
import { encodeInferResponse } from './infer-response.js';
import { modelConfig, modelMetadata, repositoryIndex, serverMetadata } from './metadata.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { ProtocolError, badRequest } from './protocol-error.js';
import { readModelSource, type ModelSource, type ServedModel, type ServedVersion } from './repository.js';
import { readRequestBody } from './request-body.js';
import { RequestCache } from './request-cache.js';
import { compress, responseEncoding } from './response-encoding.js';
import { route, type Route } from './routes.js';
import { statisticsBody, VersionStatistics } from './statistics.js';

export interface InferenceServerOptions {
  /** An .onnx file written by mlpx export, or a model repository folder (mlpx export --triton). */
  readonly model: string;
  /** The name of a single file's model (default: the file name without .onnx). */
  readonly modelName?: string;
  /** Tried in order for each model version's session (default ['cpu']). */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port (see `port` on the server). */
  readonly port?: number;
  /** The largest batch a request may send and a run may gather, where no config.pbtxt says (default 32). */
  readonly maxBatchSize?: number;
  /** How long the oldest queued request waits for others to join its batch, where no config.pbtxt says (default 500). */
  readonly maxQueueDelayMicroseconds?: number;
  /** The largest request body, after decompression (default 64 MiB); larger is a 413. */
  readonly maxBodyBytes?: number;
  /** ONNX Runtime runs in flight at once per session (default 1). */
  readonly runsInFlight?: number;
  /**
   * Run each session on a thread of its own (default true), so that HTTP work goes on during a
   * run; false runs them on the server's thread, where onnxruntime-node's run blocks it.
   */
  readonly sessionThreads?: boolean;
  /**
   * The sessions' operator threads. Default: one core fewer than the machine has (at least one),
   * the other being the HTTP server's, and no spinning (ONNX Runtime's idle threads would spin on
   * the cores the server needs); on the server's thread (sessionThreads false), ONNX Runtime's
   * thread per core, without spinning.
   */
  readonly threading?: SessionThreading;
  /** Answers requests outside /v2 and /metrics (mlpx serve's demo page); without it they are 404. */
  readonly fallback?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface ServedModelSummary {
  readonly name: string;
  /** Ascending. */
  readonly versions: readonly string[];
}

export interface ShutdownReport {
  /** Requests that were in flight when close() was called; each was answered. */
  readonly answered: number;
  /** Requests that arrived on open connections during shutdown and got 503. */
  readonly refused: number;
}

export interface InferenceServer {
  /** http://HOST:PORT/ */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly kind: 'file' | 'repository';
  readonly models: readonly ServedModelSummary[];
  /** The provider the sessions run on (the first version's, when a fallback list differs between them). */
  readonly executionProvider: ExecutionProvider;
  readonly skipped: readonly { executionProvider: ExecutionProvider; reason: string }[];
  /** The .onnx file of the only model's latest version, or the first model's by name (the demo page's model). */
  readonly defaultModelFile: string;
  /** Stops accepting connections, answers the requests in flight, refuses new ones (503), releases the sessions. */
  close(): Promise<ShutdownReport>;
}

const DEFAULTS = { host: '127.0.0.1', port: 8080, maxBatchSize: 32, maxQueueDelayMicroseconds: 500, maxBodyBytes: 64 * 1024 * 1024 } as const;

const VERSION = packageVersion(import.meta.url);
const JSON_TYPE = 'application/json';

interface LoadedVersion {
  readonly served: ServedVersion;
  readonly batcher: Batcher;
  readonly statistics: VersionStatistics;
  readonly requests: RequestCache;
  readonly metadata: string;
  readonly versionedMetadata: string;
  readonly config: string;
}

interface LoadedModel {
  readonly served: ServedModel;
  /** Keyed by version string ("1"). */
  readonly versions: Map<string, LoadedVersion>;
  readonly latest: LoadedVersion;
}

interface Session {
  readonly executionProvider: ExecutionProvider;
  readonly skipped: readonly { executionProvider: ExecutionProvider; reason: string }[];
  run(images: Float32Array, count: number): Promise<BatchOutputs & { readonly images?: Float32Array }>;
  close(): Promise<void>;
}

/** A version's session: on a thread of its own, or on this one. */
async function startSession(served: ServedVersion, options: InferenceServerOptions): Promise<Session> {
  const providers = options.executionProviders ?? ['cpu'];
  if (options.sessionThreads ?? true) {
    const threading = options.threading ?? { spinning: false, intraOpThreads: Math.max(1, availableParallelism() - 1) };
    const thread = await SessionThread.open({ model: served.bytes, providers, label: served.path, threading, imageShape: served.inputShape });
    return {
      executionProvider: thread.executionProvider,
      skipped: thread.skipped,
      run: (images, count) => thread.run(images, count),
      close: () => thread.close(),
    };
  }
  const opened = await openSession(served.bytes, providers, served.path, options.threading ?? { spinning: false });
  const [height, width, channels] = served.inputShape;
  return {
    executionProvider: opened.executionProvider,
    skipped: opened.skipped,
    run: (images, count) => runBatch(opened.session, images, [count, height, width, channels]),
    close: () => opened.session.release(),
  };
}

async function loadModels(source: ModelSource, options: InferenceServerOptions, metrics: ServerMetrics) {
  const models = new Map<string, LoadedModel>();
  const sessions: Session[] = [];
  let provider: { executionProvider: ExecutionProvider; skipped: readonly { executionProvider: ExecutionProvider; reason: string }[] } | undefined;
  try {
    for (const model of source.models) {
      const versions = new Map<string, LoadedVersion>();
      for (const served of model.versions) {
        const session = await startSession(served, options);
        sessions.push(session);
        provider ??= session;
        const [height, width, channels] = served.inputShape;
        const statistics = new VersionStatistics(model.name, served.version);
        const measured = metrics.forVersion(model.name, served.version);
        const batcher = new Batcher({
          run: (images, count) => session.run(images, count),
          pixelsPerImage: height * width * channels,
          classes: served.classes,
          policy: served.batching,
          maxInFlight: options.runsInFlight ?? 1,
          observer: {
            enqueued: () => measured.enqueued(),
            dispatched: (seconds) => {
              measured.dispatched(seconds);
              statistics.dispatched(seconds);
            },
            ran: (images, requests, seconds) => {
              measured.ran(images, requests, seconds);
              statistics.ran(images, requests, seconds);
            },
            settled: (requests) => measured.settled(requests),
          },
        });
        versions.set(served.version, {
          served,
          batcher,
          statistics,
          requests: new RequestCache(),
          metadata: modelMetadata(model, served, false),
          versionedMetadata: modelMetadata(model, served, true),
          config: modelConfig(served),
        });
      }
      models.set(model.name, { served: model, versions, latest: versions.get(model.versions[model.versions.length - 1]!.version)! });
    }
  } catch (error) {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    throw error;
  }
  return { models, sessions, provider: provider! };
}

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`
          : error.code === 'EADDRNOTAVAIL'
            ? `cannot listen on ${host}: no such address on this machine (--host)`
            : error.code === 'EACCES'
              ? `not allowed to listen on port ${port}: choose one above 1023 with --port`
              : `cannot listen on ${host}:${port}: ${error.message}`;
      reject(new MlpxError(message));
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startInferenceServer(options: InferenceServerOptions): Promise<InferenceServer> {
  const host = options.host ?? DEFAULTS.host;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const source = await readModelSource(options.model, {
    modelName: options.modelName,
    maxBatchSize: options.maxBatchSize ?? DEFAULTS.maxBatchSize,
    maxQueueDelayMicroseconds: options.maxQueueDelayMicroseconds ?? DEFAULTS.maxQueueDelayMicroseconds,
  });
  const metrics = createServerMetrics();
  const { models, sessions, provider } = await loadModels(source, options, metrics);
  const serverMetadataBody = serverMetadata(VERSION);
  const indexBody = repositoryIndex(source);

  let closing = false;
  let active = 0;
  let answeredAtClose = 0;
  let refused = 0;
  let drained: (() => void) | undefined;

  const send = (response: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | number> = {}): void => {
    if (response.headersSent || response.destroyed) return;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    response.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': bytes.length,
      ...(closing ? { connection: 'close' } : {}),
      ...headers,
    });
    response.end(bytes);
  };

  const sendError = (response: ServerResponse, error: unknown): number => {
    if (error instanceof ProtocolError) {
      send(response, error.status, JSON.stringify({ error: error.message }), error.headers);
      return error.status;
    }
    const message = describeError(error).split('\n')[0]!.trim();
    process.stderr.write(`mlpx serve: internal error: ${message}\n`);
    send(response, 500, JSON.stringify({ error: `internal error: ${message}` }));
    return 500;
  };

  const findVersion = (name: string, version: string | undefined): { model: LoadedModel; version: LoadedVersion } => {
    const model = models.get(name);
    if (!model) throw new ProtocolError(404, `Request for unknown model: '${name}' is not found`);
    if (version === undefined) return { model, version: model.latest };
    const found = model.versions.get(String(Number(version)));
    if (!found) {
      const served = model.served.versions.map((v) => v.version).join(', ');
      throw new ProtocolError(404, `Request for unknown model: '${name}' version ${version} is not found (served versions: ${served})`);
    }
    return { model, version: found };
  };

  const infer = async (request: IncomingMessage, response: ServerResponse, target: Extract<Route, { kind: 'model' }>): Promise<void> => {
    const arrived = performance.now();
    let labels = { model: '', version: '' };
    let statistics: VersionStatistics | undefined;
    let status = 200;
    try {
      const { version } = findVersion(target.model, target.version);
      labels = { model: version.served.model, version: version.served.version };
      statistics = version.statistics;
      const body = await readRequestBody(request, maxBodyBytes);
      const split = splitBody(body, request.headers[HEADER_LENGTH_HEADER]);
      let parsed = split.hasHeaderLength ? version.requests.get(split.json, split.binary) : undefined;
      if (!parsed) {
        let json: unknown;
        try {
          json = JSON.parse(split.json);
        } catch (error) {
          const message = describeError(error);
          const hint =
            !split.hasHeaderLength && /after JSON/i.test(message)
              ? ' (binary tensor data after the JSON needs the Inference-Header-Content-Length header)'
              : '';
          throw badRequest(`the request's JSON is malformed: ${message}${hint}`);
        }
        parsed = readInferRequest(json, split, version.served);
        if (split.hasHeaderLength) version.requests.set(split.json, split.binary, parsed);
      }
      const outputs = await version.batcher.submit(parsed.images, parsed.batch);
      const encoded = encodeInferResponse(version.served, parsed, outputs);
      const encoding = responseEncoding(request.headers['accept-encoding']);
      const headers: Record<string, string | number> = {};
      if (encoded.headerLength !== undefined) {
        headers['content-type'] = 'application/octet-stream';
        headers['inference-header-content-length'] = encoded.headerLength;
      }
      let payload = encoded.body;
      if (encoding) {
        payload = compress(payload, encoding);
        headers['content-encoding'] = encoding;
      }
      send(response, 200, payload, headers);
    } catch (error) {
      status = sendError(response, error);
    }
    metrics.countRequest(labels.model, labels.version, status);
    statistics?.answered(status === 200, (performance.now() - arrived) / 1000);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const target = route(request.method ?? 'GET', path);
    if (!target) {
      if (options.fallback && !path.startsWith('/v2')) options.fallback(request, response);
      else throw new ProtocolError(404, `Not Found: ${path} is not an endpoint of this server (the protocol's are under /v2)`);
      return;
    }
    switch (target.kind) {
      case 'server-metadata':
        return send(response, 200, serverMetadataBody);
      case 'health':
        if (target.probe === 'live') return send(response, 200, '{"live":true}');
        return closing ? send(response, 503, '{"ready":false}') : send(response, 200, '{"ready":true}');
      case 'repository-index':
        return send(response, 200, indexBody);
      case 'all-statistics':
        return send(response, 200, statisticsBody([...models.values()].flatMap((m) => [...m.versions.values()].map((v) => v.statistics))));
      case 'metrics': {
        const { text, contentType } = await metrics.render();
        return send(response, 200, text, { 'content-type': contentType });
      }
      case 'model': {
        if (target.action === 'infer') return infer(request, response, target);
        const { model, version } = findVersion(target.model, target.version);
        if (target.action === 'ready') return send(response, 200, JSON.stringify({ name: model.served.name, ready: !closing }));
        if (target.action === 'config') return send(response, 200, version.config);
        if (target.action === 'stats') {
          const versions = target.version === undefined ? [...model.versions.values()] : [version];
          return send(response, 200, statisticsBody(versions.map((v) => v.statistics)));
        }
        return send(response, 200, target.version === undefined ? version.metadata : version.versionedMetadata);
      }
    }
  };

  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    if (closing) {
      refused++;
      request.resume();
      send(response, 503, JSON.stringify({ error: 'the server is shutting down: send the request to another instance, or again once it is back' }));
      return;
    }
    active++;
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
      active--;
      if (closing && active === 0) drained?.();
    };
    response.once('finish', finished);
    response.once('close', finished);
    answer(request, response).catch((error: unknown) => sendError(response, error));
  });
  // Kept-alive connections stay open a minute: tritonclient's pool reuses them.
  server.keepAliveTimeout = 60_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ error: status === 431 ? 'the request headers are too large' : `malformed HTTP request: ${error.message.split('\n')[0]}` });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // curl and others ask before sending a large body: a body over the limit is refused unsent.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > maxBodyBytes) {
      response.shouldKeepAlive = false;
      send(
        response,
        413,
        JSON.stringify({ error: `the request body is ${length} bytes, over the limit of ${maxBodyBytes} bytes (mlpx serve --max-body-bytes)` }),
        { connection: 'close' },
      );
      return;
    }
    response.writeContinue();
    server.emit('request', request, response);
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? DEFAULTS.port, host);
  } catch (error) {
    await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
    throw error;
  }

  let closed: Promise<ShutdownReport> | undefined;
  const close = (): Promise<ShutdownReport> => {
    closed ??= (async () => {
      closing = true;
      answeredAtClose = active;
      // net.Server's close stops accepting connections; http.Server's would also close the idle
      // kept-alive ones, whose next request should get a 503 instead of a reset connection.
      Server.prototype.close.call(server);
      if (active > 0) await new Promise<void>((resolve) => (drained = resolve));
      await Promise.all([...models.values()].flatMap((m) => [...m.versions.values()].map((v) => v.batcher.idle())));
      server.closeAllConnections();
      server.close(); // http.Server's part: its timers of connections
      await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
      return { answered: answeredAtClose, refused };
    })();
    return closed;
  };

  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    host,
    port,
    kind: source.kind,
    models: source.models.map((m) => ({ name: m.name, versions: m.versions.map((v) => v.version) })),
    executionProvider: provider.executionProvider,
    skipped: provider.skipped,
    defaultModelFile: source.models[0]!.versions[source.models[0]!.versions.length - 1]!.path,
    close,
  };
}
