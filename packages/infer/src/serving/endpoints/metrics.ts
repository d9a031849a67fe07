/** GET /metrics: the Prometheus exposition of the server's metrics (metrics.ts). */
import type { ServerResponse } from 'node:http';
import type { ServerMetrics } from '../metrics.js';
import type { Replies } from '../replies.js';

export async function answerMetrics(
  response: ServerResponse,
  { replies, metrics }: { readonly replies: Replies; readonly metrics: ServerMetrics },
): Promise<void> {
  const { text, contentType } = await metrics.render();
  replies.send(response, 200, text, { 'content-type': contentType });
}
