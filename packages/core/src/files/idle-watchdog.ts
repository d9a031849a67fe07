/**
 * Aborts a signal once nothing has happened for a while: a download connection that goes quiet is
 * dropped and continued with a Range request instead of being waited on forever. Without a limit
 * the signal never aborts.
 */
export interface IdleWatchdog {
  /** Aborted, with an Error saying how long it was quiet, when the limit passes. */
  readonly signal: AbortSignal;
  /** Something happened: the quiet time starts again. */
  alive(): void;
  stop(): void;
}

export function startIdleWatchdog(limitMs: number | undefined): IdleWatchdog {
  const controller = new AbortController();
  if (limitMs === undefined) return { signal: controller.signal, alive: () => undefined, stop: () => undefined };
  const timer = setTimeout(() => controller.abort(new Error(`no data for ${limitMs / 1000} s`)), limitMs);
  const alive = (): void => {
    if (!controller.signal.aborted) timer.refresh(); // a fired timer would be armed again
  };
  return { signal: controller.signal, alive, stop: () => clearTimeout(timer) };
}
