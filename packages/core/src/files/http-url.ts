/**
 * The check every HTTP request of mlpx's makes before it is sent: the URL parses and is http: or
 * https:. Each caller words the two failures for its own users (download-messages.ts).
 */
import { MlpxError } from '../errors.js';
import type { DownloadMessages } from './download-messages.js';

export function checkHttpUrl(url: string, messages: Pick<DownloadMessages, 'invalidUrl' | 'unsupportedProtocol'>): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new MlpxError(messages.invalidUrl(url), { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new MlpxError(messages.unsupportedProtocol(url));
}
