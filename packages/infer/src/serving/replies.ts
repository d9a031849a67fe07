/**
 * The server's answers: a body with its status and headers (JSON unless said otherwise, with
 * `connection: close` once the server is shutting down), and an error as its status and a one-line
 * {"error"}: a ProtocolError's own, or a 500 for anything else (its first line also on stderr).
 */
import type { ServerResponse } from 'node:http';
import { describeError } from '@mlpx/core';
import { ProtocolError } from './protocol-error.js';

export const JSON_TYPE = 'application/json';

export type ReplyHeaders = Record<string, string | number>;

export class Replies {
  /** `shutdown.closing`: whether the server is shutting down, read at each reply. */
  constructor(private readonly shutdown: { readonly closing: boolean }) {}

  /** Sends `body` unless the response is already sent or its connection gone. */
  send(response: ServerResponse, status: number, body: string | Buffer, headers: ReplyHeaders = {}): void {
    if (response.headersSent || response.destroyed) return;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    response.writeHead(status, {
      'content-type': JSON_TYPE,
      'content-length': bytes.length,
      ...(this.shutdown.closing ? { connection: 'close' } : {}),
      ...headers,
    });
    response.end(bytes);
  }

  /** Answers `error`; returns the status it was answered with. */
  sendError(response: ServerResponse, error: unknown): number {
    if (error instanceof ProtocolError) {
      this.send(response, error.status, JSON.stringify({ error: error.message }), error.headers);
      return error.status;
    }
    const message = describeError(error).split('\n')[0]!.trim();
    process.stderr.write(`mlpx serve: internal error: ${message}\n`);
    this.send(response, 500, JSON.stringify({ error: `internal error: ${message}` }));
    return 500;
  }
}
