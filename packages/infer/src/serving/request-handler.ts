/**
 * A request to its endpoint: the path (without its query) routed (routes.ts), and handed to the
 * endpoint group that answers it, each given what it needs; a path outside the protocol's goes to
 * the fallback (mlpx serve's demo page) or is a 404. What it throws (a 404 for an unknown model, a
 * 405 for a wrong method) the HTTP server answers as an error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerInfer } from './endpoints/infer.js';
import { answerMetrics } from './endpoints/metrics.js';
import { answerModel, answerRepository } from './endpoints/models.js';
import { answerServer } from './endpoints/server.js';
import type { LoadedModels } from './loaded-models.js';
import type { ServerMetrics } from './metrics.js';
import { ProtocolError } from './protocol-error.js';
import type { Replies } from './replies.js';
import type { RequestDrain } from './request-drain.js';
import { route } from './routes.js';
import type { InferenceServerOptions } from './server-options.js';

export interface RequestContext {
  readonly replies: Replies;
  readonly models: LoadedModels;
  readonly metrics: ServerMetrics;
  /** Read for `closing`: readiness is false once shutdown begins. */
  readonly drain: Pick<RequestDrain, 'closing'>;
  /** The bodies that never change: the server metadata and the repository index. */
  readonly bodies: { readonly serverMetadata: string; readonly repositoryIndex: string };
  readonly maxBodyBytes: number;
  readonly fallback: InferenceServerOptions['fallback'];
}

/** The request handler of `context`'s server. */
export function requestHandler(context: RequestContext): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return (request, response) => answerRequest(request, response, context);
}

async function answerRequest(request: IncomingMessage, response: ServerResponse, context: RequestContext): Promise<void> {
  const { replies, models, metrics, drain, bodies } = context;
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const target = route(request.method ?? 'GET', path);
  if (!target) {
    if (context.fallback && !path.startsWith('/v2')) context.fallback(request, response);
    else throw new ProtocolError(404, `Not Found: ${path} is not an endpoint of this server (the protocol's are under /v2)`);
    return;
  }
  switch (target.kind) {
    case 'server-metadata':
    case 'health':
      return answerServer(target, response, { replies, metadata: bodies.serverMetadata, closing: drain.closing });
    case 'repository-index':
    case 'all-statistics':
      return answerRepository(target, response, { replies, models, index: bodies.repositoryIndex });
    case 'metrics':
      return answerMetrics(response, { replies, metrics });
    case 'model':
      if (target.action === 'infer') return answerInfer(request, response, target, { replies, models, metrics, maxBodyBytes: context.maxBodyBytes });
      return answerModel(target, response, { replies, models, closing: drain.closing });
  }
}
