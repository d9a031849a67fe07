/**
 * Training progress: a bar per epoch (cli-progress) with loss, accuracy, images/s and ETA while
 * the epoch runs, then one summary line per epoch. Without a terminal only the summary lines are
 * printed. `topK` names the top-k column: min(5, classes), known once the dataset is loaded.
 */
import cliProgress from 'cli-progress';
import { TOP_K } from '@mlpx/core';
import type { EpochLogs, StepLogs, TrainingObserver } from '@mlpx/train';
import { formatDuration, info, isInteractive, percent, progressStream } from './terminal.js';

export function epochProgress(topK: () => number = () => TOP_K): Required<Pick<TrainingObserver, 'onEpochStart' | 'onStep' | 'onEpochEnd' | 'onInfo'>> {
  let bar: cliProgress.SingleBar | undefined;
  let epochs = 0;
  return {
    onEpochStart(epoch, total, steps) {
      epochs = total;
      if (!isInteractive()) return;
      bar = new cliProgress.SingleBar(
        {
          stream: progressStream,
          format: `epoch ${epoch}/${total} {bar} {value}/{total} steps | loss {loss} acc {acc} | {rate} img/s | ETA {eta_formatted}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(steps, 0, { loss: '-', acc: '-', rate: '-' });
    },
    onStep(logs: StepLogs) {
      bar?.update(logs.step, { loss: logs.loss.toFixed(4), acc: percent(logs.accuracy), rate: logs.imagesPerSec.toFixed(1) });
    },
    onEpochEnd(logs: EpochLogs) {
      bar?.stop();
      bar = undefined;
      info(
        `epoch ${logs.epoch}/${epochs}  loss ${logs.loss.toFixed(4)}  acc ${percent(logs.accuracy)}  top${topK()} ${percent(logs.top5)}` +
          `  val_loss ${logs.valLoss.toFixed(4)}  val_acc ${percent(logs.valAccuracy)}  val_top${topK()} ${percent(logs.valTop5)}` +
          `  lr ${logs.learningRate}  ${formatDuration(logs.seconds)}  ${logs.imagesPerSec.toFixed(1)} img/s`,
      );
    },
    onInfo(message: string) {
      if (bar) progressStream.write('\n');
      info(message);
    },
  };
}
