/**
 * Downloads one wheel into `<destination>.part` with @mlpx/core's resumable download, which renames
 * it to `destination` only when its sha256 is the one the index published. A connection that
 * breaks off, or sends nothing for a minute, is continued with an HTTP Range request up to
 * `attempts` times in one run; a `.part` left by an earlier run is continued the same way. What is
 * particular to wheels is said here: the index's sha256 and size, and errors that name the wheel
 * and point at `mlpx setup cuda` and MLPX_PYPI_INDEX_URL.
 */
import { basename } from 'node:path';
import { describeError, downloadResumable, type DownloadedFile, type DownloadMessages, type DownloadProgress } from '@mlpx/core';
import { httpMessages } from './http.js';

export type WheelDownloadProgress = DownloadProgress;

export interface WheelDownload {
  readonly url: string;
  readonly sha256: string;
  readonly destination: string;
  /** The size the index published, if any (a check, and the progress total). */
  readonly size?: number | undefined;
  readonly onProgress?: (progress: WheelDownloadProgress) => void;
  /** Connections tried before giving up (default 4). */
  readonly attempts?: number;
}

export type DownloadedWheel = DownloadedFile;

const IDLE_MS = 60_000;

const wheelMessages: DownloadMessages = {
  ...httpMessages,
  folderNotCreated: (folder, error) => `cannot create the download folder ${folder}: ${describeError(error)}`,
  partialContent: (url) => `${url} sent part of the file (HTTP 206) when asked for all of it`,
  brokeOff: ({ url, partial }, { attempts, receivedBytes, totalBytes, cause }) => {
    const last = cause !== undefined ? describeError(cause) : `the body ended after ${receivedBytes} of ${totalBytes} bytes`;
    return `the download of ${url} broke off ${attempts} times (last: ${last}); the ${receivedBytes} bytes received are kept in ${partial} and the next \`mlpx setup cuda\` continues from them`;
  },
  checksumMismatch: ({ url, destination }, expected, actual) =>
    `checksum mismatch for ${basename(destination)} (${url}): the index says sha256 ${expected.hex.toLowerCase()}, the download has ${actual}; it was deleted and nothing was installed`,
  localError: ({ partial }, error) => `cannot write ${partial}: ${describeError(error)}`,
};

export async function downloadWheel(request: WheelDownload): Promise<DownloadedWheel> {
  return downloadResumable({
    url: request.url,
    destination: request.destination,
    partial: `${request.destination}.part`,
    checksum: { algorithm: 'sha256', hex: request.sha256 },
    expectedBytes: request.size,
    retry: { attempts: request.attempts ?? 4, idleTimeoutMs: IDLE_MS },
    messages: wheelMessages,
    onProgress: request.onProgress,
  });
}
