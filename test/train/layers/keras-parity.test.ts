/** mlpx's layers against the seed's Keras layers (fixtures from test/tools/keras_reference.py). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BilinearResize, Normalization, Patches } from '@mlpx/train/src/layers/index.js';
import { modelFamily } from '@mlpx/train/src/models/model-families.js';
import { familyCases } from '../../families/family-cases.js';
import type { GeluApproximation } from '@mlpx/train/src/layers/ops/gelu.js';
import { useBackend } from '../../helpers/backend.js';
import { expectClose } from '../../helpers/closeness.js';
import { readKerasFixture, setWeightsFromFixture, tensorOf } from '../../helpers/keras-fixture.js';

useBackend('wasm');

async function expectMatchesKeras(fixtureName: string, make: (fixture: ReturnType<typeof readKerasFixture>) => tf.layers.Layer): Promise<void> {
  const fixture = readKerasFixture(fixtureName);
  const layer = make(fixture);
  const x = tensorOf(fixture.input);
  layer.apply(tf.input({ shape: fixture.input.shape.slice(1) }));
  setWeightsFromFixture(layer, fixture);
  const y = layer.apply(x) as tf.Tensor;
  expect(y.shape).toEqual(fixture.output.shape);
  expectClose(await y.data(), fixture.output.values, { relative: 1e-5, scaleFloor: 1, what: 'output' });
  tf.dispose([x, y]);
}

describe('layers match the seed in Keras', () => {
  // Each model family with a Keras block (its kerasBlock), against the fixture keras_reference.py wrote for it.
  for (const { family, block, blocks } of familyCases().filter((c) => modelFamily(c.family).kerasBlock !== undefined)) {
    for (const gelu of ['exact', 'tanh'] as GeluApproximation[]) {
      it(`${blocks[0]!.name} (${gelu} GELU)`, () => expectMatchesKeras(`${family}-block-${gelu}`, () => block({ dropoutRate: 0.2, gelu })));
    }
  }
  it('Normalization', () => expectMatchesKeras('normalization', () => new Normalization({})));
  it('BilinearResize (half-pixel centres)', () =>
    expectMatchesKeras('bilinear-resize', (f) => new BilinearResize({ height: f['height'] as number, width: f['width'] as number })));
  it('Patches', () => expectMatchesKeras('patches', (f) => new Patches({ patchSize: f['patchSize'] as number })));
});
