/**
 * The training loop: the seed's model.fit(validation_split=0.1, shuffle each epoch) with AdamW,
 * ReduceLROnPlateau and EarlyStopping(restore_best_weights) on val_loss, written out so that the
 * optimizer, schedule and random state are ours to report and to checkpoint.
 *
 * Everything needed to continue is FitState: after each epoch (and when asked to stop) it goes to
 * onCheckpoint, and fit(resume: state) carries on from it, giving the weights an uninterrupted
 * run on the same backend gives.
 *
 * fit is the list of the steps: each epoch starts (its order of images), runs its training steps,
 * is evaluated, and goes through the callbacks (early stopping, the plateau learning rate), then
 * the checkpoint. fit-epoch.ts has the steps, fit-run.ts what carries over between epochs, and
 * fit-types.ts the options, logs, state and result.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/dataset.js';
import type { ImageShape } from '../training/batches.js';
import { applyCallbacks, evaluateEpoch, runEpochSteps, startEpoch } from './fit-epoch.js';
import { FitRun } from './fit-run.js';
import { TrainingStopped, type FitOptions, type FitResult } from './fit-types.js';
import { startTrainStep } from './start-train-step.js';

export { TrainingStopped, type EpochLogs, type FitOptions, type FitResult, type FitState, type StepLogs, type TrainingObserver } from './fit-types.js';

export async function fit(
  model: tf.LayersModel,
  data: { train: ImageSplit; validation: ImageSplit },
  shape: ImageShape,
  options: FitOptions,
): Promise<FitResult> {
  const run = new FitRun(model, data, shape, options);
  const runner = await startTrainStep(model, options.threads);
  try {
    for (let epochNumber = run.nextEpoch; epochNumber <= options.epochs; epochNumber++) {
      run.observer.onEpochStart?.(epochNumber, options.epochs, run.steps);
      const epoch = startEpoch(run, epochNumber);
      const stepSeconds = await runEpochSteps(run, epoch, runner);
      const logs = await evaluateEpoch(run, epoch, stepSeconds);
      if ((await applyCallbacks(run, logs)) === 'stop') break;
      await options.onCheckpoint?.(await run.state());
      if (options.stopRequested?.() && epochNumber < options.epochs) throw new TrainingStopped(epochNumber + 1, 0);
    }
  } finally {
    await runner.close();
    run.dispose();
  }
  return run.result();
}
