/**
 * Keras' ReduceLROnPlateau as the seed configures it (monitor val_loss, factor 0.5, patience 5;
 * Keras defaults min_delta 1e-4, cooldown 0, min_lr 0): when val_loss has not improved on the
 * best by more than minDelta for `patience` epochs, multiply the learning rate by `factor`.
 */
export interface ReduceLrOnPlateauOptions {
  factor: number;
  patience: number;
  minDelta?: number;
  minLearningRate?: number;
}

export class ReduceLrOnPlateau {
  private best = Infinity;
  private wait = 0;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly minLearningRate: number;

  constructor(options: ReduceLrOnPlateauOptions) {
    this.factor = options.factor;
    this.patience = options.patience;
    this.minDelta = options.minDelta ?? 1e-4;
    this.minLearningRate = options.minLearningRate ?? 0;
  }

  /** Plain data for a checkpoint (best is null until an epoch ends: JSON has no Infinity). */
  state(): { best: number | null; wait: number } {
    return { best: Number.isFinite(this.best) ? this.best : null, wait: this.wait };
  }

  restore(state: { best: number | null; wait: number }): void {
    this.best = state.best ?? Infinity;
    this.wait = state.wait;
  }

  /** Returns the learning rate to use for the next epoch. */
  onEpochEnd(valLoss: number, learningRate: number): number {
    if (valLoss < this.best - this.minDelta) {
      this.best = valLoss;
      this.wait = 0;
      return learningRate;
    }
    this.wait += 1;
    if (this.wait >= this.patience && learningRate > this.minLearningRate) {
      this.wait = 0;
      return Math.max(learningRate * this.factor, this.minLearningRate);
    }
    return learningRate;
  }
}
