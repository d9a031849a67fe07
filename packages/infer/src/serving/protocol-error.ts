/**
 * A request the server refuses: its HTTP status and a one-line message, sent as the protocol's
 * error object {"error": "..."} (Content-Type application/json, as Triton sends it).
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';

  constructor(
    readonly status: number,
    message: string,
    /** Headers the response carries besides Content-Type (Allow on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

export const badRequest = (message: string): ProtocolError => new ProtocolError(400, message);

/** A JSON value as a message shows it: short, on one line. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
