/**
 * The steps of one of fit's epochs (fit.ts), in the order fit takes them:
 *   startEpoch      the epoch's order of images and running totals: shuffled, or where a
 *                   checkpoint taken part way through it left them;
 *   runEpochSteps   its training steps, each reported to the observer when its metrics are read,
 *                   checkpointing and stopping (TrainingStopped) when asked to;
 *   evaluateEpoch   the validation scores, the epoch's logs (checked finite) into the history;
 *   applyCallbacks  early stopping (restoring the best weights) and the plateau learning rate.
 */
import * as tf from '@tensorflow/tfjs';
import { randomSource } from '../layers/random-source.js';
import { shuffledIndices } from '../data/shuffled-indices.js';
import { gatherBatch } from '../training/batches.js';
import { evaluate } from '../training/evaluate.js';
import type { FitRun } from './fit-run.js';
import { TrainingStopped, type EpochLogs } from './fit-types.js';
import { emptyTotals, scoresOf, type Totals } from '../training/metrics.js';
import { checkFinite, StepMetrics } from '../training/step-metrics.js';
import type { TrainStepRunner } from '../training/step-runner.js';

/** One epoch as it runs: its number, the order of its images, its totals so far, its first step, and when it started. */
export interface Epoch {
  readonly epoch: number;
  readonly order: Int32Array;
  readonly totals: Totals;
  readonly firstStep: number;
  /** performance.now() at its start, earlier by the seconds a checkpoint part way through it had run. */
  readonly startedAt: number;
}

/** The epoch's images in a new shuffled order, or as the checkpoint part way through it left them. */
export function startEpoch(run: FitRun, epoch: number): Epoch {
  const resumed = run.options.resume?.inProgress;
  const continuing = resumed?.epoch === epoch ? resumed : undefined;
  const order = continuing?.order ?? shuffledIndices(run.data.train.count, () => randomSource.next());
  const totals: Totals = continuing ? { ...continuing.totals } : emptyTotals();
  return { epoch, order, totals, firstStep: continuing?.nextStep ?? 0, startedAt: performance.now() - (continuing?.seconds ?? 0) * 1000 };
}

/** The epoch's training steps from its first; returns the seconds they took (with any before a checkpoint). */
export async function runEpochSteps(run: FitRun, epoch: Epoch, runner: TrainStepRunner): Promise<number> {
  const { steps, options, observer, shape } = run;
  const { train } = run.data;
  const { order, totals } = epoch;
  const metrics = new StepMetrics(totals, epoch.epoch);
  try {
    for (let step = epoch.firstStep; step < steps; step++) {
      const indices = order.subarray(step * options.batchSize, Math.min((step + 1) * options.batchSize, train.count));
      const batch = gatherBatch(train, shape, indices);
      const values = await runner.step(run.optimizer, run.variables, batch.images, batch.labels);
      tf.dispose([batch.images, batch.labels]);
      // Read as StepMetrics decides, and always at the end of the epoch and before a checkpoint.
      let read = await metrics.add(values, indices.length, step + 1);
      if (!read && step + 1 === steps) {
        await metrics.read();
        read = true;
      }
      const elapsed = (performance.now() - epoch.startedAt) / 1000;
      if (read) {
        const running = scoresOf(totals);
        observer.onStep?.({ step: step + 1, steps, loss: running.loss, accuracy: running.accuracy, imagesPerSec: totals.count / elapsed });
      }
      if (options.stopRequested?.() && step + 1 < steps) {
        await metrics.read();
        await options.onCheckpoint?.(await run.state({ epoch: epoch.epoch, nextStep: step + 1, totals: { ...totals }, order, seconds: elapsed }));
        throw new TrainingStopped(epoch.epoch, step + 1);
      }
    }
  } finally {
    metrics.dispose();
  }
  return (performance.now() - epoch.startedAt) / 1000;
}

/** Counts the epoch's training, scores it on the validation images, and adds its logs to the history (refusing a val_loss that is not finite). */
export async function evaluateEpoch(run: FitRun, epoch: Epoch, stepSeconds: number): Promise<EpochLogs> {
  const { totals } = epoch;
  run.trainingSeconds += stepSeconds;
  run.trainedImages += totals.count;
  const scores = scoresOf(totals);
  const val = await evaluate(run.model, run.data.validation, run.shape, run.options.batchSize);
  const logs: EpochLogs = {
    epoch: epoch.epoch,
    loss: scores.loss,
    accuracy: scores.accuracy,
    top5: scores.top5,
    valLoss: val.loss,
    valAccuracy: val.accuracy,
    valTop5: val.top5,
    learningRate: run.optimizer.learningRate,
    seconds: (performance.now() - epoch.startedAt) / 1000,
    imagesPerSec: totals.count / stepSeconds,
  };
  checkFinite(val.loss, epoch.epoch, run.steps);
  run.history.push(logs);
  run.observer.onEpochEnd?.(logs);
  return logs;
}

/**
 * EarlyStopping and ReduceLROnPlateau on the epoch's val_loss: keeps the best weights, and
 * restores them and returns 'stop' when val_loss has not improved for the patience; else lowers
 * the learning rate on a plateau and returns 'continue'.
 */
export async function applyCallbacks(run: FitRun, logs: EpochLogs): Promise<'stop' | 'continue'> {
  const { earlyStopping, reduceLr, optimizer, variables, observer } = run;
  const { improved, stop } = earlyStopping.onEpochEnd(logs.epoch, logs.valLoss);
  if (improved) run.bestWeights = await Promise.all(variables.map(async (variable) => ((await variable.data()) as Float32Array).slice()));
  if (stop) {
    run.stoppedEarly = true;
    observer.onInfo?.(
      `early stopping: val_loss has not improved for ${earlyStopping.patience} epochs; restoring the weights of epoch ${earlyStopping.bestEpoch}`,
    );
    const best = run.bestWeights!;
    tf.tidy(() => variables.forEach((variable, i) => variable.assign(tf.tensor(best[i]!, variable.shape))));
    return 'stop';
  }
  const nextRate = reduceLr.onEpochEnd(logs.valLoss, optimizer.learningRate);
  if (nextRate !== optimizer.learningRate) {
    observer.onInfo?.(`reducing the learning rate to ${nextRate} (val_loss has not improved for ${reduceLr.patience} epochs)`);
    optimizer.learningRate = nextRate;
  }
  return 'continue';
}
