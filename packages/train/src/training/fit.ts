/**
 * The training loop: the seed's model.fit(validation_split=0.1, shuffle each epoch) with AdamW,
 * ReduceLROnPlateau and EarlyStopping(restore_best_weights) on val_loss, written out so that the
 * optimizer, schedule and random state are ours to report and to checkpoint.
 *
 * Everything needed to continue is FitState: after each epoch (and when asked to stop) it goes to
 * onCheckpoint, and fit(resume: state) carries on from it, giving the weights an uninterrupted
 * run on the same backend gives.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/dataset.js';
import { randomSource, type RandomState } from '../layers/random-source.js';
import { AdamW, type AdamWState } from './adamw.js';
import { gatherBatch, type ImageShape, shuffledIndices } from './batches.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluate } from './evaluate.js';
import { emptyTotals, scoresOf, type Totals } from './metrics.js';
import { ReduceLrOnPlateau } from './reduce-lr-on-plateau.js';
import { startTrainStep } from './step-runner.js';
import { checkFinite, StepMetrics } from './step-metrics.js';

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
  onInfo?(message: string): void;
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
  constructor(readonly epoch: number, readonly step: number) {
    super(`training stopped at epoch ${epoch}, step ${step}`);
  }
}

export async function fit(model: tf.LayersModel, data: { train: ImageSplit; validation: ImageSplit }, shape: ImageShape, options: FitOptions): Promise<FitResult> {
  const { train, validation } = data;
  const observer = options.observer ?? {};
  const optimizer = new AdamW({ learningRate: options.learningRate, weightDecay: options.weightDecay });
  const reduceLr = new ReduceLrOnPlateau({ factor: options.lrFactor ?? 0.5, patience: options.lrPatience ?? 5 });
  const earlyStopping = new EarlyStopping(options.earlyStoppingPatience ?? 10);
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const steps = Math.ceil(train.count / options.batchSize);
  const resume = options.resume;
  const history: EpochLogs[] = [...(resume?.history ?? [])];
  let bestWeights: Float32Array[] | undefined = resume?.bestWeights?.map((w) => w.slice());
  let stoppedEarly = false;
  let trainingSeconds = resume?.trainingSeconds ?? 0;
  let trainedImages = resume?.trainedImages ?? 0;
  if (resume) {
    optimizer.importState(variables, resume.optimizer);
    reduceLr.restore(resume.reduceLr);
    earlyStopping.restore(resume.earlyStopping);
    randomSource.restore(resume.random);
  }

  const state = async (inProgress?: FitState['inProgress']): Promise<FitState> => ({
    epochsDone: history.length,
    history: [...history],
    ...(inProgress ? { inProgress } : {}),
    optimizer: await optimizer.exportState(variables),
    reduceLr: reduceLr.state(),
    earlyStopping: earlyStopping.state(),
    random: randomSource.state(),
    ...(bestWeights ? { bestWeights } : {}),
    trainingSeconds,
    trainedImages,
  });

  const runner = await startTrainStep(model, options.threads);
  try {
    for (let epoch = history.length + 1; epoch <= options.epochs; epoch++) {
      observer.onEpochStart?.(epoch, options.epochs, steps);
      const continuing = resume?.inProgress?.epoch === epoch ? resume.inProgress : undefined;
      const order = continuing?.order ?? shuffledIndices(train.count, () => randomSource.next());
      const totals: Totals = continuing ? { ...continuing.totals } : emptyTotals();
      const epochStart = performance.now() - (continuing?.seconds ?? 0) * 1000;
      const metrics = new StepMetrics(totals, epoch);
      try {
        for (let step = continuing?.nextStep ?? 0; step < steps; step++) {
          const indices = order.subarray(step * options.batchSize, Math.min((step + 1) * options.batchSize, train.count));
          const batch = gatherBatch(train, shape, indices);
          const values = await runner.step(optimizer, variables, batch.images, batch.labels);
          tf.dispose([batch.images, batch.labels]);
          // Read as StepMetrics decides, and always at the end of the epoch and before a checkpoint.
          let read = await metrics.add(values, indices.length, step + 1);
          if (!read && step + 1 === steps) {
            await metrics.read();
            read = true;
          }
          const elapsed = (performance.now() - epochStart) / 1000;
          if (read) {
            const running = scoresOf(totals);
            observer.onStep?.({ step: step + 1, steps, loss: running.loss, accuracy: running.accuracy, imagesPerSec: totals.count / elapsed });
          }
          if (options.stopRequested?.() && step + 1 < steps) {
            await metrics.read();
            await options.onCheckpoint?.(await state({ epoch, nextStep: step + 1, totals: { ...totals }, order, seconds: elapsed }));
            throw new TrainingStopped(epoch, step + 1);
          }
        }
      } finally {
        metrics.dispose();
      }
      const stepSeconds = (performance.now() - epochStart) / 1000;
      trainingSeconds += stepSeconds;
      trainedImages += totals.count;
      const scores = scoresOf(totals);
      const val = await evaluate(model, validation, shape, options.batchSize);
      const logs: EpochLogs = {
        epoch,
        loss: scores.loss,
        accuracy: scores.accuracy,
        top5: scores.top5,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        valTop5: val.top5,
        learningRate: optimizer.learningRate,
        seconds: (performance.now() - epochStart) / 1000,
        imagesPerSec: totals.count / stepSeconds,
      };
      checkFinite(val.loss, epoch, steps);
      history.push(logs);
      observer.onEpochEnd?.(logs);

      const { improved, stop } = earlyStopping.onEpochEnd(epoch, val.loss);
      if (improved) bestWeights = await Promise.all(variables.map(async (variable) => ((await variable.data()) as Float32Array).slice()));
      if (stop) {
        stoppedEarly = true;
        observer.onInfo?.(`early stopping: val_loss has not improved for ${earlyStopping.patience} epochs; restoring the weights of epoch ${earlyStopping.bestEpoch}`);
        tf.tidy(() => variables.forEach((variable, i) => variable.assign(tf.tensor(bestWeights![i]!, variable.shape))));
        break;
      }
      const nextRate = reduceLr.onEpochEnd(val.loss, optimizer.learningRate);
      if (nextRate !== optimizer.learningRate) {
        observer.onInfo?.(`reducing the learning rate to ${nextRate} (val_loss has not improved for ${reduceLr.patience} epochs)`);
        optimizer.learningRate = nextRate;
      }
      await options.onCheckpoint?.(await state());
      if (options.stopRequested?.() && epoch < options.epochs) throw new TrainingStopped(epoch + 1, 0);
    }
  } finally {
    await runner.close();
    optimizer.dispose();
  }
  return {
    history,
    stoppedEarly,
    finalWeightsEpoch: stoppedEarly ? earlyStopping.bestEpoch : history.length,
    bestEpoch: earlyStopping.bestEpoch,
    imagesPerSec: trainedImages / Math.max(trainingSeconds, 1e-9),
  };
}
