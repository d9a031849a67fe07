/**
 * Downloads one dataset file over HTTP(S) into the cache with @mlpx/core's resumable download: the
 * body streams to `<destination>.partial` while it is hashed, and the file is renamed to
 * `destination` only when all of it arrived and the checksum matches, so `destination` only ever
 * names a verified file. A download cut short keeps its `.partial` file, and the next download
 * asks the server for the rest (an HTTP Range request). One connection per download: a cut is
 * reported at once, and the next run continues. What is particular to datasets is said here: the
 * published md5 or sha256, and errors that name the cache.
 */
import { describeError, downloadResumable, fetchFailureCause, type DownloadChecksum, type DownloadMessages } from '@mlpx/core';
import type { DownloadProgress } from './dataset.js';

/** The published digest a downloaded file must have. */
export type Checksum = DownloadChecksum;

/** A published file and its digest. */
export interface RemoteFile {
  readonly url: string;
  readonly checksum: Checksum;
}

export interface DownloadRequest extends RemoteFile {
  readonly destination: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
}

const datasetMessages: DownloadMessages = {
  folderNotCreated: (folder, error) => `cannot create the cache folder ${folder}: ${describeError(error)}`,
  invalidUrl: (url) => `invalid download URL ${url}`,
  unsupportedProtocol: (url) => `cannot download ${url}: only http and https URLs are supported`,
  unreachable: (url, error) => `cannot reach ${new URL(url).host} to download ${url}: ${describeError(fetchFailureCause(error))}`,
  httpStatus: (url, status, statusText) => `download of ${url} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}`,
  partialContent: (url) => `download of ${url} failed: the server sent part of the file (HTTP 206) when asked for all of it`,
  brokeOff: ({ url, partial }, { receivedBytes, totalBytes, cause }) => {
    const expected = totalBytes === undefined ? '' : ` of the ${totalBytes} announced by Content-Length`;
    const reason = cause !== undefined ? describeError(fetchFailureCause(cause)) : 'the body ended early';
    return `download of ${url} is truncated: received ${receivedBytes} bytes${expected} (${reason}); they are kept in ${partial} and the next download continues from them`;
  },
  checksumMismatch: ({ url }, expected, actual) =>
    `checksum mismatch for ${url}: expected ${expected.algorithm} ${expected.hex}, got ${actual}; the download was discarded`,
  localError: ({ url, destination }, error) => `cannot save ${url} to ${destination}: ${describeError(error)}`,
};

export async function downloadFile(request: DownloadRequest): Promise<void> {
  await downloadResumable({
    url: request.url,
    destination: request.destination,
    partial: `${request.destination}.partial`,
    checksum: request.checksum,
    retry: { attempts: 1 },
    messages: datasetMessages,
    onProgress: request.onProgress,
  });
}
