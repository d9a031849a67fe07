/**
 * POST /v2/models/{name}[/versions/{v}]/infer: the request's body read (up to the limit) and split
 * into its JSON and binary data, checked against the version (or taken from the version's cache of
 * recent binary requests), its images submitted to the version's batcher, and the outputs encoded
 * (compressed when the client accepts it). Each answer, success or error, is counted in the
 * metrics and, for a served version, its statistics.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '@mlpx/core';
import type { BatchOutputs } from '../batcher.js';
import { HEADER_LENGTH_HEADER, splitBody, type SplitBody } from '../binary-data.js';
import { readInferRequest, type InferRequest } from '../infer-request.js';
import { encodeInferResponse } from '../infer-response.js';
import type { LoadedModels, LoadedVersion } from '../loaded-models.js';
import type { ServerMetrics } from '../metrics.js';
import { badRequest } from '../protocol-error.js';
import type { ReplyHeaders, Replies } from '../replies.js';
import { readRequestBody } from '../request-body.js';
import { compress, responseEncoding } from '../response-encoding.js';
import type { Route } from '../routes.js';
import type { VersionStatistics } from '../statistics.js';

/** A model route whose action is infer. */
export type InferRoute = Extract<Route, { kind: 'model' }>;

export interface InferEndpoint {
  readonly replies: Replies;
  readonly models: LoadedModels;
  readonly metrics: ServerMetrics;
  /** The largest request body, after decompression. */
  readonly maxBodyBytes: number;
}

/** The request's JSON object; a 400 that says what is wrong with it when it is not JSON. */
function parseJson(split: SplitBody): unknown {
  try {
    return JSON.parse(split.json);
  } catch (error) {
    const message = describeError(error);
    const hint =
      !split.hasHeaderLength && /after JSON/i.test(message) ? ' (binary tensor data after the JSON needs the Inference-Header-Content-Length header)' : '';
    throw badRequest(`the request's JSON is malformed: ${message}${hint}`);
  }
}

/** The request, read and checked against `version`; a binary request seen lately comes from the version's cache. */
async function readRequest(request: IncomingMessage, version: LoadedVersion, maxBodyBytes: number): Promise<InferRequest> {
  const body = await readRequestBody(request, maxBodyBytes);
  const split = splitBody(body, request.headers[HEADER_LENGTH_HEADER]);
  const cached = split.hasHeaderLength ? version.requests.get(split.json, split.binary) : undefined;
  if (cached) return cached;
  const parsed = readInferRequest(parseJson(split), split, version.served);
  if (split.hasHeaderLength) version.requests.set(split.json, split.binary, parsed);
  return parsed;
}

/** The response's body and headers: binary outputs as application/octet-stream, compressed as the client accepts. */
function encodeReply(
  request: IncomingMessage,
  version: LoadedVersion,
  parsed: InferRequest,
  outputs: BatchOutputs,
): { payload: Buffer; headers: ReplyHeaders } {
  const encoded = encodeInferResponse(version.served, parsed, outputs);
  const encoding = responseEncoding(request.headers['accept-encoding']);
  const headers: ReplyHeaders = {};
  if (encoded.headerLength !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    headers['inference-header-content-length'] = encoded.headerLength;
  }
  let payload = encoded.body;
  if (encoding) {
    payload = compress(payload, encoding);
    headers['content-encoding'] = encoding;
  }
  return { payload, headers };
}

export async function answerInfer(request: IncomingMessage, response: ServerResponse, target: InferRoute, endpoint: InferEndpoint): Promise<void> {
  const { replies, models, metrics, maxBodyBytes } = endpoint;
  const arrived = performance.now();
  let labels = { model: '', version: '' };
  let statistics: VersionStatistics | undefined;
  let status = 200;
  try {
    const { version } = models.find(target.model, target.version);
    labels = { model: version.served.model, version: version.served.version };
    statistics = version.statistics;
    const parsed = await readRequest(request, version, maxBodyBytes);
    const outputs = await version.batcher.submit(parsed.images, parsed.batch);
    const { payload, headers } = encodeReply(request, version, parsed, outputs);
    replies.send(response, 200, payload, headers);
  } catch (error) {
    status = replies.sendError(response, error);
  }
  metrics.countRequest(labels.model, labels.version, status);
  statistics?.answered({ ok: status === 200, seconds: (performance.now() - arrived) / 1000 });
}
