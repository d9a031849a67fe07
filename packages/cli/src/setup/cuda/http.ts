/**
 * HTTP(S) requests for the package index, with errors a user can act on (MlpxError, one line).
 * Wheel downloads word their failures to reach the index's hosts with the same texts.
 */
import { checkHttpUrl, describeError, fetchFailureCause, MlpxError, type DownloadMessages } from '@mlpx/core';

/** The texts of a request's failures that index pages and wheel downloads share. */
export const httpMessages = {
  invalidUrl: (url) => `invalid URL ${url}`,
  unsupportedProtocol: (url) => `cannot fetch ${url}: only http and https URLs are supported`,
  unreachable: (url, error) => {
    const cause = fetchFailureCause(error) as NodeJS.ErrnoException;
    const message = describeError(cause);
    const code = cause.code && !message.includes(cause.code) ? `${cause.code}: ` : '';
    return `cannot reach ${hostOf(url)} (${code}${message}) while fetching ${url}; check the network, or set MLPX_PYPI_INDEX_URL to a package index this machine can reach`;
  },
  httpStatus: (url, status, statusText) => `${url} answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`,
} satisfies Pick<DownloadMessages, 'invalidUrl' | 'unsupportedProtocol' | 'unreachable' | 'httpStatus'>;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A GET; `timeoutMs` bounds the whole exchange (index pages), leave it out for large downloads. */
export async function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs?: number, signal?: AbortSignal): Promise<Response> {
  checkHttpUrl(url, httpMessages);
  try {
    const signals = [...(timeoutMs ? [AbortSignal.timeout(timeoutMs)] : []), ...(signal ? [signal] : [])];
    return await fetch(url, { headers, redirect: 'follow', ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}) });
  } catch (error) {
    throw new MlpxError(httpMessages.unreachable(url, error), { cause: error });
  }
}

export function httpFailure(url: string, response: Response): MlpxError {
  return new MlpxError(httpMessages.httpStatus(url, response.status, response.statusText));
}
