/**
 * Compressed inference responses, as Triton sends them when asked (tritonclient's
 * response_compression_algorithm sets Accept-Encoding): gzip or deflate (zlib's format), whichever
 * Accept-Encoding prefers by its q-values, gzip on a tie. Anything else is sent as it is.
 */
import { deflateSync, gzipSync } from 'node:zlib';

export type ResponseEncoding = 'gzip' | 'deflate' | undefined;

export function responseEncoding(acceptEncoding: string | undefined): ResponseEncoding {
  if (!acceptEncoding) return undefined;
  let best: ResponseEncoding;
  let bestQuality = 0;
  for (const part of acceptEncoding.split(',')) {
    const [token, ...parameters] = part.trim().toLowerCase().split(';');
    if (token !== 'gzip' && token !== 'deflate') continue;
    const q = parameters.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const quality = q === undefined ? 1 : Number(q);
    if (quality > bestQuality || (quality === bestQuality && token === 'gzip' && best !== undefined)) {
      best = token;
      bestQuality = quality;
    }
  }
  return best;
}

export function compress(body: Buffer, encoding: 'gzip' | 'deflate'): Buffer {
  return encoding === 'gzip' ? gzipSync(body) : deflateSync(body);
}
