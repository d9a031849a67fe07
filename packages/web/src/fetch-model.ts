/**
 * Downloads a model with progress, through the Cache API: a model fetched once is read from the
 * cache on the next page load. The caller stores the bytes only once they proved to be a model,
 * so a broken download is never cached.
 */

export const MODEL_CACHE = 'mlpx-models-v1';
import { MlpxError } from '@mlpx/core/browser';

export interface DownloadProgress {
  readonly loadedBytes: number;
  /** From Content-Length; undefined when the server does not say. */
  readonly totalBytes: number | undefined;
  readonly fromCache: boolean;
}

export interface FetchedModel {
  readonly bytes: Uint8Array;
  readonly fromCache: boolean;
  /** Puts the downloaded bytes in the cache (no-op when they came from it). */
  store(): Promise<void>;
}

async function openCache(enabled: boolean): Promise<Cache | undefined> {
  if (!enabled || typeof caches === 'undefined') return undefined;
  try {
    return await caches.open(MODEL_CACHE);
  } catch {
    return undefined; // e.g. an insecure context: download every time
  }
}

async function readWithProgress(response: Response, onProgress: (p: DownloadProgress) => void): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const totalBytes = header === null ? undefined : Number(header);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress({ loadedBytes: bytes.length, totalBytes, fromCache: false });
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loadedBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loadedBytes += value.length;
    onProgress({ loadedBytes, totalBytes, fromCache: false });
  }
  const bytes: Uint8Array<ArrayBuffer> = new Uint8Array(loadedBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

export async function fetchModel(url: string, options: { cache?: boolean; onProgress?: (p: DownloadProgress) => void } = {}): Promise<FetchedModel> {
  const onProgress = options.onProgress ?? (() => {});
  const cache = await openCache(options.cache ?? true);
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    onProgress({ loadedBytes: bytes.length, totalBytes: bytes.length, fromCache: true });
    return { bytes, fromCache: true, store: async () => {} };
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new MlpxError(`cannot download the model ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new MlpxError(`cannot download the model ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  const bytes = await readWithProgress(response, onProgress);
  return {
    bytes,
    fromCache: false,
    store: async () => {
      await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }));
    },
  };
}
