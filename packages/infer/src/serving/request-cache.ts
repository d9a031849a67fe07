/**
 * The checked form of repeated binary requests. A client sending binary tensor data sends the
 * same JSON header with every request of a kind (the same input shape and outputs, no id), so
 * the header's parsed and checked form is kept, per model version, keyed by its text and the
 * length of the binary data after it; a request with a known header is neither parsed nor
 * checked again, only its images are taken from its own body. JSON data (which differs from
 * request to request), requests with an id, and long headers are not kept; at most `capacity`
 * headers are, the set starting over when full.
 */
import type { InferRequest } from './infer-request.js';

const MAX_HEADER = 1024;
const EMPTY = new Uint8Array(0);

interface Entry {
  readonly request: InferRequest;
  /** Where the images lie in the binary data. */
  readonly start: number;
  readonly end: number;
}

export class RequestCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 256) {}

  private static key(json: string, binaryLength: number): string | undefined {
    return json.length <= MAX_HEADER ? `${binaryLength}:${json}` : undefined;
  }

  /** The request for this header and binary data, if the header was seen before. */
  get(json: string, binary: Uint8Array): InferRequest | undefined {
    const key = RequestCache.key(json, binary.length);
    const entry = key === undefined ? undefined : this.entries.get(key);
    return entry && { ...entry.request, images: binary.subarray(entry.start, entry.end) };
  }

  /** Keeps `request` (checked, its images taken from `binary`) for its header. */
  set(json: string, binary: Uint8Array, request: InferRequest): void {
    const key = RequestCache.key(json, binary.length);
    const { images } = request;
    if (key === undefined || request.id !== undefined || images instanceof Float32Array || images.buffer !== binary.buffer) return;
    if (this.entries.size >= this.capacity) this.entries.clear();
    const start = images.byteOffset - binary.byteOffset;
    this.entries.set(key, { request: { ...request, images: EMPTY }, start, end: start + images.length });
  }
}
