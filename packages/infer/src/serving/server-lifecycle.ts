/**
 * The life of an inference server, and the state it owns: the loaded models (their sessions and
 * batchers), the requests in flight, and the listening HTTP server. start() loads the models and
 * listens; close() stops accepting connections, answers the requests in flight while refusing new
 * ones (503), waits for the batchers to empty, and releases the sessions.
 */
import { type Server as HttpServer } from 'node:http';
import { Server } from 'node:net';
import { packageVersion } from '@mlpx/core';
import { createHttpServer, listen } from './http-server.js';
import { LoadedModels } from './loaded-models.js';
import { repositoryIndex, serverMetadata } from './metadata.js';
import { createServerMetrics } from './metrics.js';
import { Replies } from './replies.js';
import { readModelSource, type ModelSource } from './repository.js';
import { RequestDrain } from './request-drain.js';
import { requestHandler } from './request-handler.js';
import { DEFAULTS, type InferenceServerOptions } from './server-options.js';

const VERSION = packageVersion(import.meta.url);

export interface ShutdownReport {
  /** Requests that were in flight when close() was called; each was answered. */
  readonly answered: number;
  /** Requests that arrived on open connections during shutdown and got 503. */
  readonly refused: number;
}

export class InferenceServerLifecycle {
  private closed: Promise<ShutdownReport> | undefined;

  private constructor(
    readonly source: ModelSource,
    readonly models: LoadedModels,
    private readonly drain: RequestDrain,
    private readonly http: HttpServer,
    readonly host: string,
    readonly port: number,
  ) {}

  /** Reads the models, opens their sessions and listens; on a failure to listen, releases the sessions. */
  static async start(options: InferenceServerOptions): Promise<InferenceServerLifecycle> {
    const host = options.host ?? DEFAULTS.host;
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
    const source = await readModelSource(options.model, {
      modelName: options.modelName,
      maxBatchSize: options.maxBatchSize ?? DEFAULTS.maxBatchSize,
      maxQueueDelayMicroseconds: options.maxQueueDelayMicroseconds ?? DEFAULTS.maxQueueDelayMicroseconds,
    });
    const metrics = createServerMetrics();
    const models = await LoadedModels.load(source, options, metrics);
    const drain = new RequestDrain();
    const replies = new Replies(drain);
    const bodies = { serverMetadata: serverMetadata(VERSION), repositoryIndex: repositoryIndex(source) };
    const answer = requestHandler({ replies, models, metrics, drain, bodies, maxBodyBytes, fallback: options.fallback });
    const http = createHttpServer({ drain, replies, maxBodyBytes, answer });
    let port: number;
    try {
      port = await listen(http, options.port ?? DEFAULTS.port, host);
    } catch (error) {
      await models.close();
      throw error;
    }
    return new InferenceServerLifecycle(source, models, drain, http, host, port);
  }

  /** Shuts down once; each call gets the same report. */
  close(): Promise<ShutdownReport> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<ShutdownReport> {
    const answered = this.drain.startClosing();
    // net.Server's close stops accepting connections; http.Server's would also close the idle
    // kept-alive ones, whose next request should get a 503 instead of a reset connection.
    Server.prototype.close.call(this.http);
    await this.drain.drained();
    await this.models.idle();
    this.http.closeAllConnections();
    this.http.close(); // http.Server's part: its timers of connections
    await this.models.close();
    return { answered, refused: this.drain.refused };
  }
}
