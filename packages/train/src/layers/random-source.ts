/**
 * The one seeded source of randomness in training: weight initialisation, dropout masks,
 * augmentation and shuffling all draw from it, in a fixed order, so a seeded run is reproducible
 * on the same backend. Each draw returns a fresh integer seed for a tfjs op, because tfjs ops
 * given the same seed repeat the same numbers (tf.dropout with a fixed seed would reuse one mask
 * for every step). The state can be saved and restored (for resuming a run).
 */
import seedrandom from 'seedrandom';

export type RandomState = seedrandom.State.Alea;

class RandomSource {
  private prng: seedrandom.StatefulPRNG<RandomState> = seedrandom.alea('0', { state: true });

  /** Starts the stream again from `seed`. */
  reseed(seed: number): void {
    this.prng = seedrandom.alea(String(seed), { state: true });
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.prng.double();
  }

  /** An integer seed in [0, 2^31) for a tfjs op or initializer. */
  nextSeed(): number {
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
