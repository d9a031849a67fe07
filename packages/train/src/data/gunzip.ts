/**
 * Gzip (RFC 1952) decompression of a whole file held in memory, for the IDX files, which are
 * published gzip-compressed but also accepted uncompressed.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { describeError, MlpxError } from '@mlpx/core';

const gunzipAsync = promisify(gunzip);

/** The two bytes every gzip member starts with (RFC 1952, section 2.3.1). */
function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** `data` decompressed when it is gzip, else `data` itself; `file` names it in errors. */
export async function gunzipIfCompressed(data: Buffer, file: string): Promise<Buffer> {
  if (!isGzip(data)) return data;
  try {
    return await gunzipAsync(data);
  } catch (error) {
    throw new MlpxError(`${file} is a damaged or truncated gzip file: ${describeError(error)}`, {
      cause: error,
    });
  }
}
