/**
 * Keras' EarlyStopping as the seed configures it (monitor val_loss, patience 10,
 * restore_best_weights; Keras default min_delta 0): stop when val_loss has not improved for
 * `patience` epochs. This class decides; the training loop keeps the best weights and restores
 * them when training stops early (TF 2.4, the seed's version, restores only then).
 */
export class EarlyStopping {
  private best = Infinity;
  private wait = 0;
  /** Epoch index (0-based) with the best val_loss so far. */
  bestEpoch = -1;

  constructor(readonly patience: number) {}

  /** Plain data for a checkpoint (best is null until an epoch ends: JSON has no Infinity). */
  state(): { best: number | null; wait: number; bestEpoch: number } {
    return { best: Number.isFinite(this.best) ? this.best : null, wait: this.wait, bestEpoch: this.bestEpoch };
  }

  restore(state: { best: number | null; wait: number; bestEpoch: number }): void {
    this.best = state.best ?? Infinity;
    this.wait = state.wait;
    this.bestEpoch = state.bestEpoch;
  }

  /** Records an epoch; returns whether it is the new best and whether to stop. */
  onEpochEnd(epoch: number, valLoss: number): { improved: boolean; stop: boolean } {
    if (valLoss < this.best) {
      this.best = valLoss;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait += 1;
    return { improved: false, stop: this.wait >= this.patience };
  }
}
