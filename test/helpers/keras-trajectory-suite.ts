/** The trajectory tests, shared by the wasm and tensorflow test files (one backend per file). */
import { describe, expect, it } from 'vitest';
import { modelFamilies } from '@mlpx/train/src/models/model-families.js';
import { replayTrajectory, readTrajectoryFixture } from './keras-trajectory.js';

/** The families with a Keras reference (test/tools/keras_trajectory.py wrote a fixture for each). */
const KERAS_FAMILIES = modelFamilies()
  .filter((family) => family.kerasBlock !== undefined)
  .map((family) => family.name);

export const LOSS_RTOL = 1e-4;
export const WEIGHT_RTOL = 1e-4;
export const WEIGHT_ATOL = 1e-6;

export function describeKerasTrajectories(backend: string): void {
  describe(`training matches Keras step for step (${backend})`, () => {
    for (const model of KERAS_FAMILIES) {
      for (const gelu of ['exact', 'tanh']) {
        it(`${model}, ${gelu} GELU: 5 AdamW steps`, async () => {
          const fixture = readTrajectoryFixture(`trajectory-${model}-${gelu}`);
          const result = await replayTrajectory(fixture, WEIGHT_RTOL, WEIGHT_ATOL);
          // docs/fidelity.md ("What is checked") quotes these figures.
          console.log(
            `${backend} ${model} ${gelu}: loss rel ${Math.max(...result.lossRelative).toExponential(2)}, ` +
              `weights max abs ${result.weightAbsolute.toExponential(2)}, worst/tolerance ${result.weightRatio.toFixed(3)} (${result.worstWeight})`,
          );
          for (const relative of result.lossRelative) expect(relative).toBeLessThan(LOSS_RTOL);
          expect(result.weightRatio, result.worstWeight).toBeLessThanOrEqual(1);
        }, 60_000);
      }
    }
  });
}
