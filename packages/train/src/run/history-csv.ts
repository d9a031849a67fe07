/**
 * history.csv: one row per epoch, as Keras's CSVLogger writes it for the seed's metrics, so that
 * a run reads as a Keras run does (pandas.read_csv, a spreadsheet): `epoch` first, counted from 0
 * as Keras counts it, then the logs' keys in sorted order, Keras's names for mlpx's metrics:
 *
 *   epoch,accuracy,learning_rate,loss,top5-acc,val_accuracy,val_loss,val_top5-acc
 *   0,0.1234,0.005,3.9876,0.3456,0.2345,3.5678,0.4567
 *
 * (`top5-acc` is the seed's SparseTopKCategoricalAccuracy(5, name="top5-acc"); with fewer than 5
 * classes k is the class count, `top3-acc` for 3.) The file is written whole from the run's
 * history after every epoch, so a resumed run's file holds every epoch once.
 */
import type { EpochLogs } from '../fit/fit.js';

export const HISTORY_CSV = 'history.csv';

/** The file's text for `history` (top-k with k = `topK`). */
export function historyCsv(history: readonly EpochLogs[], topK: number): string {
  const top = `top${topK}-acc`;
  const columns: readonly [string, (logs: EpochLogs) => number][] = [
    ['accuracy', (logs) => logs.accuracy],
    ['learning_rate', (logs) => logs.learningRate],
    ['loss', (logs) => logs.loss],
    [top, (logs) => logs.top5],
    ['val_accuracy', (logs) => logs.valAccuracy],
    ['val_loss', (logs) => logs.valLoss],
    [`val_${top}`, (logs) => logs.valTop5],
  ];
  const sorted = [...columns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header = ['epoch', ...sorted.map(([name]) => name)].join(',');
  const rows = history.map((logs) => [String(logs.epoch - 1), ...sorted.map(([, value]) => String(value(logs)))].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}
