/**
 * What fit (fit.ts) takes, reports and checkpoints: its options, the logs of a step and of an
 * epoch, the observer that gets them, FitState (everything a checkpoint holds besides the
 * weights), its result, and TrainingStopped.
 */
import type { AdamWState } from '../training/adamw.js';
import type { EarlyStopping } from '../training/early-stopping.js';
import type { RandomState } from '../layers/random-source.js';
import type { Totals } from '../training/metrics.js';
import type { ReduceLrOnPlateau } from '../training/reduce-lr-on-plateau.js';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly weightDecay: number;
  /** ReduceLROnPlateau: factor 0.5, patience 5 in the seed. */
  readonly lrFactor?: number;
  readonly lrPatience?: number;
  /** EarlyStopping patience: 10 in the seed. */
  readonly earlyStoppingPatience?: number;
  readonly observer?: TrainingObserver;
  /** Continue from a checkpoint instead of starting. */
  readonly resume?: FitState;
  /** Called with the state after every epoch, and when stopping on request. */
  readonly onCheckpoint?: (state: FitState) => Promise<void>;
  /** Polled after every step: when it returns true, fit checkpoints and throws TrainingStopped. */
  readonly stopRequested?: () => boolean;
  /** Threads per step (data-parallel on the CPU backends, parallel/data-parallel-step.ts); default 1. */
  readonly threads?: number;
}

export interface StepLogs {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly imagesPerSec: number;
}

export interface EpochLogs {
  /** 1-based. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly top5: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly valTop5: number;
  /** The learning rate this epoch trained with. */
  readonly learningRate: number;
  readonly seconds: number;
  /** Training images per second over the epoch's steps (validation excluded). */
  readonly imagesPerSec: number;
}

export interface TrainingObserver {
  onEpochStart?(epoch: number, epochs: number, steps: number): void;
  onStep?(logs: StepLogs): void;
  onEpochEnd?(logs: EpochLogs): void;
  readonly onInfo?: (message: string) => void;
}

/** Where training is: plain data plus arrays, everything a checkpoint holds besides the weights. */
export interface FitState {
  readonly epochsDone: number;
  readonly history: readonly EpochLogs[];
  /** An epoch stopped part way (on request). */
  readonly inProgress?: { readonly epoch: number; readonly nextStep: number; readonly totals: Totals; readonly order: Int32Array; readonly seconds: number };
  readonly optimizer: AdamWState;
  readonly reduceLr: ReturnType<ReduceLrOnPlateau['state']>;
  readonly earlyStopping: ReturnType<EarlyStopping['state']>;
  readonly random: RandomState;
  /** The trainable weights of the best epoch so far (restore_best_weights), in variable order. */
  readonly bestWeights?: readonly Float32Array[];
  readonly trainingSeconds: number;
  readonly trainedImages: number;
}

export interface FitResult {
  readonly history: EpochLogs[];
  readonly stoppedEarly: boolean;
  /** 1-based epoch whose weights the model holds at the end. */
  readonly finalWeightsEpoch: number;
  readonly bestEpoch: number;
  /** Training images per second over all epochs. */
  readonly imagesPerSec: number;
}

/** fit stopped because stopRequested said so, after writing a checkpoint. */
export class TrainingStopped extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
  ) {
    super(`training stopped at epoch ${epoch}, step ${step}`);
  }
}
