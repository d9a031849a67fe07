/**
 * The HTTP server under the routes: it admits each request into the drain (or refuses it with a
 * 503 once shutting down) and hands it to `answer`; it answers malformed HTTP and oversized
 * headers itself, refuses a body over the limit before it is sent (Expect: 100-continue), and
 * keeps connections alive a minute. listen() turns the usual failures into one-line MlpxErrors.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MlpxError } from '@mlpx/core';
import { JSON_TYPE, type Replies } from './replies.js';
import type { RequestDrain } from './request-drain.js';

export interface HttpServerParts {
  readonly drain: RequestDrain;
  readonly replies: Replies;
  readonly maxBodyBytes: number;
  /** Answers an admitted request; what it throws is answered as an error. */
  readonly answer: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
}

/** A request: refused while shutting down, else counted in flight and answered. */
function onRequest(parts: HttpServerParts, request: IncomingMessage, response: ServerResponse): void {
  const { drain, replies } = parts;
  if (drain.closing) {
    drain.refuse();
    request.resume();
    replies.send(response, 503, JSON.stringify({ error: 'the server is shutting down: send the request to another instance, or again once it is back' }));
    return;
  }
  drain.admit(response);
  parts.answer(request, response).catch((error: unknown) => replies.sendError(response, error));
}

/** A request Node's HTTP parser could not read: 431 for headers too large, 400 for the rest. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = JSON.stringify({ error: status === 431 ? 'the request headers are too large' : `malformed HTTP request: ${error.message.split('\n')[0]}` });
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** curl and others ask before sending a large body: a body over the limit is refused unsent. */
function onCheckContinue(server: HttpServer, parts: HttpServerParts, request: IncomingMessage, response: ServerResponse): void {
  const length = Number(request.headers['content-length']);
  if (Number.isFinite(length) && length > parts.maxBodyBytes) {
    response.shouldKeepAlive = false;
    parts.replies.send(
      response,
      413,
      JSON.stringify({ error: `the request body is ${length} bytes, over the limit of ${parts.maxBodyBytes} bytes (mlpx serve --max-body-bytes)` }),
      { connection: 'close' },
    );
    return;
  }
  response.writeContinue();
  server.emit('request', request, response);
}

export function createHttpServer(parts: HttpServerParts): HttpServer {
  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => onRequest(parts, request, response));
  // Kept-alive connections stay open a minute: tritonclient's pool reuses them.
  server.keepAliveTimeout = 60_000;
  server.on('clientError', onClientError);
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => onCheckContinue(server, parts, request, response));
  return server;
}

function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): string {
  if (error.code === 'EADDRINUSE') return `port ${port} on ${host} is in use: choose another with --port (0 picks a free one)`;
  if (error.code === 'EADDRNOTAVAIL') return `cannot listen on ${host}: no such address on this machine (--host)`;
  if (error.code === 'EACCES') return `not allowed to listen on port ${port}: choose one above 1023 with --port`;
  return `cannot listen on ${host}:${port}: ${error.message}`;
}

/** Listens on `host`:`port`; resolves to the port listened on (the one picked, for 0). */
export function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new MlpxError(listenFailure(error, port, host))));
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
