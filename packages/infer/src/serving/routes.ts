/**
 * The endpoints of the Open Inference Protocol's REST API (and Triton's few extras that mlpx
 * serve answers), from a request's path and method:
 *
 *   GET  /v2                                        server metadata
 *   GET  /v2/health/live, /v2/health/ready          server health
 *   GET  /v2/models/{name}[/versions/{v}]           model metadata
 *   GET  /v2/models/{name}[/versions/{v}]/ready     model readiness
 *   GET  /v2/models/{name}[/versions/{v}]/config    the model's configuration (Triton's model_configuration)
 *   GET  /v2/models[/{name}[/versions/{v}]]/stats   inference statistics (Triton's statistics)
 *   POST /v2/models/{name}[/versions/{v}]/infer     inference
 *   POST /v2/repository/index                       the models and versions served (Triton's repository index)
 *   GET  /metrics                                   Prometheus metrics
 *
 * A path under /v2 that is none of these is 404; a known path with the wrong method is 405.
 */
import { ProtocolError, badRequest } from './protocol-error.js';

export type Route =
  | { readonly kind: 'server-metadata' }
  | { readonly kind: 'health'; readonly probe: 'live' | 'ready' }
  | {
      readonly kind: 'model';
      readonly action: 'metadata' | 'ready' | 'config' | 'stats' | 'infer';
      readonly model: string;
      readonly version: string | undefined;
    }
  | { readonly kind: 'all-statistics' }
  | { readonly kind: 'repository-index' }
  | { readonly kind: 'metrics' };

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(infer|ready|config|stats))?\/?$/;

function decode(segment: string, what: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`the ${what} in the path is not valid percent-encoding: ${segment}`);
  }
}

/** The method each kind of route takes. */
function methodOf(route: Route): 'GET' | 'POST' {
  if (route.kind === 'repository-index') return 'POST';
  if (route.kind === 'model' && route.action === 'infer') return 'POST';
  return 'GET';
}

/** The route of `path` (no query string), or undefined when it is not one of the protocol's; throws 405 for a wrong method. */
export function route(method: string, path: string): Route | undefined {
  let found: Route | undefined;
  if (path === '/v2' || path === '/v2/') found = { kind: 'server-metadata' };
  else if (path === '/v2/health/live' || path === '/v2/health/ready') found = { kind: 'health', probe: path.endsWith('live') ? 'live' : 'ready' };
  else if (path === '/v2/repository/index') found = { kind: 'repository-index' };
  else if (path === '/metrics') found = { kind: 'metrics' };
  else if (path === '/v2/models/stats') found = { kind: 'all-statistics' };
  else {
    const match = MODEL_PATH.exec(path);
    if (match) {
      const version = match[2] === undefined ? undefined : decode(match[2], 'model version');
      if (version !== undefined && !/^\d+$/.test(version)) {
        throw badRequest(`the model version in the path must be a whole number > 0, got '${version}'`);
      }
      found = {
        kind: 'model',
        action: (match[3] as 'infer' | 'ready' | 'config' | 'stats' | undefined) ?? 'metadata',
        model: decode(match[1]!, 'model name'),
        version,
      };
    }
  }
  if (!found) return undefined;
  const allowed = methodOf(found);
  if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) {
    throw new ProtocolError(405, `${method} is not allowed on ${path}: use ${allowed}`, { allow: allowed === 'GET' ? 'GET, HEAD' : allowed });
  }
  return found;
}
