/** Where human-readable progress goes: stderr, with bars only when it is a terminal. */
export const progressStream = process.stderr;

export function isInteractive(): boolean {
  return progressStream.isTTY === true && process.env['CI'] === undefined;
}

export function info(message: string): void {
  progressStream.write(`${message}\n`);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A fraction as a percentage: percent(0.78651) = '78.65%'; `digits` after the point (default 2). */
export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}
