/**
 * Triton's binary tensor data extension, on the wire: a body that carries binary tensors is the
 * JSON object, then the tensors' bytes in the order of the JSON's inputs (or outputs), with the
 * JSON's length in the Inference-Header-Content-Length header. Without that header the whole
 * body is JSON. A response with binary outputs is sent as application/octet-stream with the
 * header; one without as application/json.
 */
import { badRequest } from './protocol-error.js';

export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

export interface SplitBody {
  readonly json: string;
  readonly binary: Uint8Array;
  readonly hasHeaderLength: boolean;
}

/** Separates the JSON from the binary data, by the Inference-Header-Content-Length header (a string, or absent). */
export function splitBody(body: Buffer, headerLength: string | string[] | undefined): SplitBody {
  if (headerLength === undefined) return { json: body.toString('utf8'), binary: body.subarray(body.length), hasHeaderLength: false };
  const text = Array.isArray(headerLength) ? headerLength.join(',') : headerLength;
  if (!/^\s*\d+\s*$/.test(text)) throw badRequest(`Inference-Header-Content-Length must be the JSON's length in bytes, got '${text}'`);
  const length = Number(text);
  if (length > body.length) {
    throw badRequest(`Inference-Header-Content-Length (${length}) is larger than the request body (${body.length} bytes)`);
  }
  return { json: body.toString('utf8', 0, length), binary: body.subarray(length), hasHeaderLength: true };
}

/** A float32 tensor's bytes, without copying them. */
export function floatBytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
