/** A download bar (bytes, speed, ETA) for dataset downloads; one line per file without a terminal. */
import cliProgress from 'cli-progress';
import type { DownloadProgress } from '@mlpx/train';
import { info, isInteractive, progressStream } from './terminal.js';

const MB = 1024 * 1024;

export function downloadProgress(): (progress: DownloadProgress) => void {
  let bar: cliProgress.SingleBar | undefined;
  let announced: string | undefined;
  return (progress) => {
    if (announced !== progress.url) {
      announced = progress.url;
      bar?.stop();
      bar = undefined;
      info(`downloading ${progress.url}`);
      if (isInteractive() && progress.totalBytes !== undefined) {
        bar = new cliProgress.SingleBar(
          { stream: progressStream, format: '{bar} {percentage}% | {value}/{total} MB | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Number((progress.totalBytes / MB).toFixed(1)), 0);
      }
    }
    bar?.update(Number((progress.receivedBytes / MB).toFixed(1)));
    if (bar && progress.totalBytes !== undefined && progress.receivedBytes >= progress.totalBytes) {
      bar.stop();
      bar = undefined;
    }
  };
}
