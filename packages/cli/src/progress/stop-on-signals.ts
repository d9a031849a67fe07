/**
 * Ctrl-C (SIGINT) or SIGTERM during training: the first asks training to finish its step, write
 * a checkpoint and stop (exit 130 or 143, as a shell reports a signal); a second exits at once,
 * which loses nothing either, because every checkpoint file is written atomically.
 */
import { info } from './terminal.js';

const EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export function stopOnSignals(): { requested: () => boolean; exitCode: () => number; dispose: () => void } {
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  const handler = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (received) {
      info(`\n${signal} again: exiting now (the last checkpoint is intact)`);
      process.exit(EXIT_CODES[signal]);
    }
    received = signal;
    info(`\n${signal}: finishing this step and writing a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to exit at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => received !== undefined,
    exitCode: () => (received ? EXIT_CODES[received] : 1),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
