/**
 * labels.txt: one label a line, line i for class index i, as Triton's label provider reads the
 * file an output's label_filename names (each line is a label, in order).
 */
import { MlpxError } from '@mlpx/core';

export function labelsFile(labels: readonly string[]): string {
  labels.forEach((label, index) => {
    if (/[\r\n]/.test(label))
      throw new MlpxError(`label ${index} (${JSON.stringify(label)}) holds a line break, which labels.txt cannot: Triton reads one label a line`);
  });
  return labels.map((label) => `${label}\n`).join('');
}
