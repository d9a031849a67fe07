/**
 * The training steps' metrics ([lossSum, correct, top5Correct] per step, as tensors), read back
 * from the device and added up. How often is the backend's: plain, every step (tfjs-node and
 * wasm compute synchronously, so reading costs nothing); on webgpu once a second (and at the end
 * of an epoch and before a checkpoint), all pending steps in one readback, so that the GPU never
 * waits for the CPU between steps (its metricsReadIntervalMs trait, backends/webgpu/register.ts). The totals, and the step
 * a diverging loss is reported at, are the same either way: each step's values are kept apart and
 * added on the CPU in order.
 */
import * as tf from '@tensorflow/tfjs';
import { MlpxError } from '@mlpx/core';
import { backendTraits } from '../backend-api/backend-traits.js';
import { addTotals, type Totals } from './metrics.js';

/** Whether the active backend reads steps' metrics back less often than every step. */
export function metricsReadsDeferred(): boolean {
  return backendTraits().metricsReadIntervalMs > 0;
}

/**
 * The loss stopped being finite: where (epoch and step) and what it became. A run that diverges
 * says where its last good checkpoint is (inRun); callers tell it from other errors by class.
 */
export class TrainingDiverged extends MlpxError {
  constructor(
    readonly loss: number,
    readonly epoch: number,
    readonly step: number,
    message = `training diverged: the loss became ${loss} at epoch ${epoch}, step ${step}; try a lower --lr`,
  ) {
    super(message);
  }

  /** The same divergence, saying where the run's last good checkpoint is when it has one. */
  inRun(checkpointFolder: string | undefined): TrainingDiverged {
    const kept = checkpointFolder === undefined ? '' : ` The last good checkpoint is in ${checkpointFolder}.`;
    return new TrainingDiverged(this.loss, this.epoch, this.step, `${this.message}.${kept}`);
  }
}

/** Refuses a loss that is not finite, naming where training diverged (fit checks val_loss with it too). */
export function checkFinite(loss: number, epoch: number, step: number): void {
  if (!Number.isFinite(loss)) throw new TrainingDiverged(loss, epoch, step);
}

interface PendingStep {
  readonly values: tf.Tensor1D;
  readonly images: number;
  readonly step: number;
}

export class StepMetrics {
  private readonly pending: PendingStep[] = [];
  private lastRead = performance.now();
  private readonly readInterval = backendTraits().metricsReadIntervalMs;

  constructor(
    private readonly totals: Totals,
    private readonly epoch: number,
  ) {}

  /** Takes a step's metrics tensor (and disposes it once read); true when it read them back now. */
  async add(values: tf.Tensor1D, images: number, step: number): Promise<boolean> {
    this.pending.push({ values, images, step });
    if (performance.now() - this.lastRead < this.readInterval) return false;
    await this.read();
    return true;
  }

  /** Reads every pending step back (one readback) and adds it to the totals, in order. */
  async read(): Promise<void> {
    this.lastRead = performance.now();
    if (this.pending.length === 0) return;
    const steps = this.pending.splice(0);
    const stacked = steps.length === 1 ? steps[0]!.values : tf.concat(steps.map((s) => s.values));
    let values: Float32Array;
    try {
      values = (await stacked.data()) as Float32Array;
    } finally {
      if (stacked !== steps[0]!.values) stacked.dispose();
      for (const s of steps) s.values.dispose();
    }
    steps.forEach(({ images, step }, i) => {
      const stepValues = values.subarray(3 * i, 3 * i + 3);
      addTotals(this.totals, stepValues, images);
      checkFinite(stepValues[0]! / images, this.epoch, step);
    });
  }

  dispose(): void {
    for (const s of this.pending.splice(0)) s.values.dispose();
  }
}
