/** HTTP(S) requests for the package index, with errors a user can act on (MlpxError, one line). */
import { describeError, fetchFailureCause, MlpxError } from '@mlpx/core';

export function unreachable(url: string, error: unknown): MlpxError {
  const cause = fetchFailureCause(error) as NodeJS.ErrnoException;
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const message = describeError(cause);
  const code = cause.code && !message.includes(cause.code) ? `${cause.code}: ` : '';
  return new MlpxError(
    `cannot reach ${host} (${code}${message}) while fetching ${url}; check the network, or set MLPX_PYPI_INDEX_URL to a package index this machine can reach`,
    { cause: error },
  );
}

/** A GET; `timeoutMs` bounds the whole exchange (index pages), leave it out for large downloads. */
export async function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs?: number, signal?: AbortSignal): Promise<Response> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new MlpxError(`invalid URL ${url}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new MlpxError(`cannot fetch ${url}: only http and https URLs are supported`);
  try {
    const signals = [...(timeoutMs ? [AbortSignal.timeout(timeoutMs)] : []), ...(signal ? [signal] : [])];
    return await fetch(url, { headers, redirect: 'follow', ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}) });
  } catch (error) {
    throw unreachable(url, error);
  }
}

export function httpFailure(url: string, response: Response): MlpxError {
  return new MlpxError(`${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
}
