/**
 * The requests in flight, for a shutdown that answers them all: each admitted request counts
 * until its response finishes (or its connection closes); once closing, new ones are refused and
 * counted, and drained() resolves when the last one in flight is done.
 */
import type { ServerResponse } from 'node:http';

export class RequestDrain {
  private isClosing = false;
  private inFlight = 0;
  private refusals = 0;
  private drainedNow: (() => void) | undefined;

  get closing(): boolean {
    return this.isClosing;
  }

  /** Requests in flight now. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests refused since closing began. */
  get refused(): number {
    return this.refusals;
  }

  /** Counts a request refused during shutdown. */
  refuse(): void {
    this.refusals++;
  }

  /** Counts `response`'s request in flight until it finishes or its connection closes. */
  admit(response: ServerResponse): void {
    this.inFlight++;
    let done = false;
    const finished = (): void => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.isClosing && this.inFlight === 0) this.drainedNow?.();
    };
    response.once('finish', finished);
    response.once('close', finished);
  }

  /** Refuses requests from now on; returns how many are in flight. */
  startClosing(): number {
    this.isClosing = true;
    return this.inFlight;
  }

  /** Resolves when the requests in flight are done (at once when there are none). */
  async drained(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drainedNow = resolve));
  }
}
