/**
 * The server's own endpoints: its metadata (GET /v2) and its health (GET /v2/health/live, always
 * live; /v2/health/ready, ready until shutdown begins).
 */
import type { ServerResponse } from 'node:http';
import type { Replies } from '../replies.js';
import type { Route } from '../routes.js';

export type ServerRoute = Extract<Route, { kind: 'server-metadata' | 'health' }>;

export interface ServerEndpoints {
  readonly replies: Replies;
  /** The server metadata's body (metadata.ts's serverMetadata). */
  readonly metadata: string;
  /** Whether the server is shutting down. */
  readonly closing: boolean;
}

export function answerServer(target: ServerRoute, response: ServerResponse, { replies, metadata, closing }: ServerEndpoints): void {
  if (target.kind === 'server-metadata') return replies.send(response, 200, metadata);
  if (target.probe === 'live') return replies.send(response, 200, '{"live":true}');
  return closing ? replies.send(response, 503, '{"ready":false}') : replies.send(response, 200, '{"ready":true}');
}
