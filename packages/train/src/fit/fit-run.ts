/**
 * What fit (fit.ts) trains and carries from epoch to epoch: the model, its images and options; the optimizer, the learning-rate schedule and
 * early stopping, the history, the best epoch's weights, and the training time and images so far;
 * made fresh or restored from a checkpoint's FitState, and turned back into one (state) and into
 * fit's result.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/dataset.js';
import { randomSource } from '../layers/random-source.js';
import { AdamW } from '../training/adamw.js';
import type { ImageShape } from '../training/batches.js';
import { EarlyStopping } from '../training/early-stopping.js';
import type { EpochLogs, FitOptions, FitResult, FitState, TrainingObserver } from './fit-types.js';
import { ReduceLrOnPlateau } from '../training/reduce-lr-on-plateau.js';

export class FitRun {
  readonly optimizer: AdamW;
  readonly reduceLr: ReduceLrOnPlateau;
  readonly earlyStopping: EarlyStopping;
  readonly variables: tf.Variable[];
  readonly observer: TrainingObserver;
  /** Steps per epoch. */
  readonly steps: number;
  readonly history: EpochLogs[];
  /** The trainable weights of the best epoch so far (restore_best_weights), in variable order. */
  bestWeights: Float32Array[] | undefined;
  stoppedEarly = false;
  trainingSeconds: number;
  trainedImages: number;

  /** A new run, or the one `options.resume` holds (its optimizer, schedule, early stopping and random state restored). */
  constructor(
    readonly model: tf.LayersModel,
    readonly data: { readonly train: ImageSplit; readonly validation: ImageSplit },
    readonly shape: ImageShape,
    readonly options: FitOptions,
  ) {
    const resume = options.resume;
    this.observer = options.observer ?? {};
    this.optimizer = new AdamW({ learningRate: options.learningRate, weightDecay: options.weightDecay });
    this.reduceLr = new ReduceLrOnPlateau({ factor: options.lrFactor ?? 0.5, patience: options.lrPatience ?? 5 });
    this.earlyStopping = new EarlyStopping(options.earlyStoppingPatience ?? 10);
    this.variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    this.steps = Math.ceil(data.train.count / options.batchSize);
    this.history = [...(resume?.history ?? [])];
    this.bestWeights = resume?.bestWeights?.map((w) => w.slice());
    this.trainingSeconds = resume?.trainingSeconds ?? 0;
    this.trainedImages = resume?.trainedImages ?? 0;
    if (resume) {
      this.optimizer.importState(this.variables, resume.optimizer);
      this.reduceLr.restore(resume.reduceLr);
      this.earlyStopping.restore(resume.earlyStopping);
      randomSource.restore(resume.random);
    }
  }

  /** The first epoch still to train (1-based). */
  get nextEpoch(): number {
    return this.history.length + 1;
  }

  /** Where training is, for a checkpoint: after an epoch, or part way through one (inProgress). */
  async state(inProgress?: FitState['inProgress']): Promise<FitState> {
    return {
      epochsDone: this.history.length,
      history: [...this.history],
      ...(inProgress ? { inProgress } : {}),
      optimizer: await this.optimizer.exportState(this.variables),
      reduceLr: this.reduceLr.state(),
      earlyStopping: this.earlyStopping.state(),
      random: randomSource.state(),
      ...(this.bestWeights ? { bestWeights: this.bestWeights } : {}),
      trainingSeconds: this.trainingSeconds,
      trainedImages: this.trainedImages,
    };
  }

  result(): FitResult {
    return {
      history: this.history,
      stoppedEarly: this.stoppedEarly,
      finalWeightsEpoch: this.stoppedEarly ? this.earlyStopping.bestEpoch : this.history.length,
      bestEpoch: this.earlyStopping.bestEpoch,
      imagesPerSec: this.trainedImages / Math.max(this.trainingSeconds, 1e-9),
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
