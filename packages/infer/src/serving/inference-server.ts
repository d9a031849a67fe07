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
 *
 * Inside: server-lifecycle.ts owns the state (the loaded models, the requests in flight, the
 * listening server) and starts and closes it; http-server.ts is the HTTP server, request-handler.ts
 * routes each request to its group of endpoints in endpoints/ (the server's metadata and health,
 * the models', inference, metrics).
 */
import { withDeprecatedProviderField, type SkippedProvider } from '@mlpx/core';
import type { ExecutionProvider } from '../runtime/execution-providers.js';
import { InferenceServerLifecycle, type ShutdownReport } from './server-lifecycle.js';
import type { InferenceServerOptions } from './server-options.js';

export type { InferenceServerOptions } from './server-options.js';
export type { ShutdownReport } from './server-lifecycle.js';

export interface ServedModelSummary {
  readonly name: string;
  /** Ascending. */
  readonly versions: readonly string[];
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
  readonly skipped: readonly SkippedProvider<ExecutionProvider>[];
  /** The .onnx file of the only model's latest version, or the first model's by name (the demo page's model). */
  readonly defaultModelFile: string;
  /** Stops accepting connections, answers the requests in flight, refuses new ones (503), releases the sessions. */
  close(): Promise<ShutdownReport>;
}

export async function startInferenceServer(options: InferenceServerOptions): Promise<InferenceServer> {
  const server = await InferenceServerLifecycle.start(options);
  const { source, host, port } = server;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const first = source.models[0]!;
  return {
    url: `http://${shownHost}:${port}/`,
    host,
    port,
    kind: source.kind,
    models: source.models.map((m) => ({ name: m.name, versions: m.versions.map((v) => v.version) })),
    executionProvider: server.models.provider.executionProvider,
    skipped: withDeprecatedProviderField(server.models.provider.skipped),
    defaultModelFile: first.versions[first.versions.length - 1]!.path,
    close: () => server.close(),
  };
}
