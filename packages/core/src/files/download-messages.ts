/**
 * The error texts of a resumable download, worded by each caller for its own users (a dataset
 * download names the cache, `mlpx setup cuda` names the package index and itself). The CLI prints
 * an MlpxError's message alone, so each text names the URL or file, says what went wrong and, where
 * there is something to do, what. The download attaches the underlying error as the cause.
 */
import type { DownloadChecksum } from './download-checksum.js';

/** The file a download is for: where it comes from, where it goes, where it collects meanwhile. */
export interface DownloadTarget {
  readonly url: string;
  readonly destination: string;
  /** The bytes received so far, kept after a connection breaks off so that the next one continues. */
  readonly partial: string;
}

/** Why a download gave up: every connection it was allowed broke off before the end. */
export interface BrokenDownload {
  readonly attempts: number;
  /** The bytes now in the partial file. */
  readonly receivedBytes: number;
  /** The whole file's size, when the server or the caller said. */
  readonly totalBytes: number | undefined;
  /** What ended the last connection; undefined when its body simply ended short of totalBytes. */
  readonly cause: unknown;
}

export interface DownloadMessages {
  /** The destination's folder could not be created. */
  folderNotCreated(folder: string, error: unknown): string;
  invalidUrl(url: string): string;
  /** A URL that is neither http: nor https:. */
  unsupportedProtocol(url: string): string;
  /** No response at all (DNS, a refused connection, TLS); `error` is what fetch threw. */
  unreachable(url: string, error: unknown): string;
  /** A response that is not a success. */
  httpStatus(url: string, status: number, statusText: string): string;
  /** HTTP 206 without a usable Content-Range to a request for the whole file. */
  partialContent(url: string): string;
  brokeOff(target: DownloadTarget, broken: BrokenDownload): string;
  /** The partial file was deleted; `actual` is its digest in lowercase hexadecimal. */
  checksumMismatch(target: DownloadTarget, expected: DownloadChecksum, actual: string): string;
  /** Reading, writing or renaming a local file failed; the partial file was deleted. */
  localError(target: DownloadTarget, error: unknown): string;
}
