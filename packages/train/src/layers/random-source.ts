/**
 * The one seeded source of randomness in training: weight initialisation, dropout masks,
 * augmentation and shuffling all draw from it, in a fixed order, so a seeded run is reproducible
 * on the same backend. Each draw returns a fresh integer seed for a tfjs op, because tfjs ops
 * given the same seed repeat the same numbers (tf.dropout with a fixed seed would reuse one mask
 * for every step). The state can be saved and restored (for resuming a run).
 *
 * Data-parallel training splits a batch across threads. Per-example draws (augmentation, dropout
 * masks) are therefore made for the whole logical batch and each thread takes its examples'
 * share (setBatchSlice), so an example gets the same draws however the batch is split, and every
 * thread's stream ends in the same state.
 */
import seedrandom from 'seedrandom';

export type RandomState = seedrandom.State.Alea;

/** The examples this thread computes: [offset, offset + count) of a logical batch of `total`. */
export interface BatchSlice {
  readonly offset: number;
  readonly total: number;
}

class RandomSource {
  private prng: seedrandom.StatefulPRNG<RandomState> = seedrandom.alea('0', { state: true });
  private slice: BatchSlice | undefined;
  /** Numbers drawn so far (a recorded training step checks where its draws were made: step-inputs.ts). */
  draws = 0;

  /** Until cleared, batches are the examples [offset, offset + their size) of a batch of `total`. */
  setBatchSlice(slice: BatchSlice | undefined): void {
    this.slice = slice;
  }

  /** Where a batch of `count` examples sits in its logical batch: all of it unless a slice is set. */
  batchSlice(count: number): BatchSlice {
    const slice = this.slice ?? { offset: 0, total: count };
    if (slice.offset + count > slice.total) {
      throw new Error(`a batch of ${count} examples at ${slice.offset} does not fit the logical batch of ${slice.total}`);
    }
    return slice;
  }

  /** One uniform in [0, 1) per example of a batch of `count`: drawn for the whole logical batch. */
  perExample(count: number): number[] {
    const { offset, total } = this.batchSlice(count);
    const draws = Array.from({ length: total }, () => this.next());
    return draws.slice(offset, offset + count);
  }

  /** Starts the stream again from `seed`. */
  reseed(seed: number): void {
    this.prng = seedrandom.alea(String(seed), { state: true });
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.draws += 1;
    return this.prng.double();
  }

  /** An integer seed in [0, 2^31) for a tfjs op or initializer. */
  nextSeed(): number {
    this.draws += 1;
    return this.prng.int32() >>> 1;
  }

  state(): RandomState {
    return this.prng.state();
  }

  restore(state: RandomState): void {
    this.prng = seedrandom.alea('', { state });
  }
}

/** The process-wide stream used by mlpx layers and the training loop. */
export const randomSource = new RandomSource();
