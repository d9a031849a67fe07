/**
 * A loss that is no longer finite is a TrainingDiverged (an MlpxError): it carries the loss, epoch
 * and step, and a run's copy adds where its last good checkpoint is. trainRun tells it from other
 * errors by its class, not by its message.
 */
import { describe, expect, it } from 'vitest';
import { MlpxError } from '@mlpx/core/src/errors.js';
import { checkFinite, TrainingDiverged } from '@mlpx/train/src/training/step-metrics.js';

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('TrainingDiverged', () => {
  it('is what checkFinite throws for a loss that is not finite', () => {
    const error = thrown(() => checkFinite(Number.NaN, 2, 7));
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect(error).toBeInstanceOf(MlpxError);
    expect(error).toMatchObject({ epoch: 2, step: 7 });
    expect(Number.isNaN((error as TrainingDiverged).loss)).toBe(true);
    expect((error as Error).message).toBe('training diverged: the loss became NaN at epoch 2, step 7; try a lower --lr');
    expect(thrown(() => checkFinite(1.5, 1, 1))).toBeUndefined();
  });

  it("says in a run's copy where the last good checkpoint is, when there is one", () => {
    const error = new TrainingDiverged(Number.POSITIVE_INFINITY, 3, 2);
    const inRun = error.inRun('runs/x');
    expect(inRun).toBeInstanceOf(TrainingDiverged);
    expect(inRun).toMatchObject({ loss: Number.POSITIVE_INFINITY, epoch: 3, step: 2 });
    expect(inRun.message).toBe('training diverged: the loss became Infinity at epoch 3, step 2; try a lower --lr. The last good checkpoint is in runs/x.');
    expect(error.inRun(undefined).message).toBe('training diverged: the loss became Infinity at epoch 3, step 2; try a lower --lr.');
  });
});
