/**
 * The timing loop the benchmarks share: warm-up batches, then repetitions of enough batches to
 * take a measurable time, reported as the median images per second.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RepetitionOptions {
  /** Timed repetitions (default 3). */
  readonly repetitions?: number;
  /** Images per timed repetition, at least (default 256). */
  readonly imagesPerRepetition?: number;
}

/** Images per second of `runBatch` (which processes `batchSize` images and resolves when done). */
export async function imagesPerSecond(runBatch: () => Promise<void>, batchSize: number, options: RepetitionOptions = {}): Promise<number> {
  const batches = Math.max(1, Math.ceil((options.imagesPerRepetition ?? 256) / batchSize));
  for (let i = 0; i < 2; i++) await runBatch();
  const rates: number[] = [];
  for (let r = 0; r < (options.repetitions ?? 3); r++) {
    const started = performance.now();
    for (let b = 0; b < batches; b++) await runBatch();
    rates.push((batches * batchSize) / ((performance.now() - started) / 1000));
  }
  return median(rates);
}
