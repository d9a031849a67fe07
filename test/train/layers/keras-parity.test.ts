/** mlpx's layers against the seed's Keras layers (fixtures from test/tools/keras_reference.py). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BilinearResize, FNetBlock, GMlpBlock, MixerBlock, Normalization, Patches } from '@mlpx/train/src/layers/index.js';
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
  for (const gelu of ['exact', 'tanh'] as GeluApproximation[]) {
    it(`MixerBlock (${gelu} GELU)`, () => expectMatchesKeras(`mixer-block-${gelu}`, () => new MixerBlock({ dropoutRate: 0.2, gelu })));
    it(`FNetBlock (${gelu} GELU)`, () => expectMatchesKeras(`fnet-block-${gelu}`, () => new FNetBlock({ dropoutRate: 0.2, gelu })));
    it(`GMlpBlock (${gelu} GELU)`, () => expectMatchesKeras(`gmlp-block-${gelu}`, () => new GMlpBlock({ dropoutRate: 0.2, gelu })));
  }
  it('Normalization', () => expectMatchesKeras('normalization', () => new Normalization({})));
  it('BilinearResize (half-pixel centres)', () =>
    expectMatchesKeras('bilinear-resize', (f) => new BilinearResize({ height: f['height'] as number, width: f['width'] as number })));
  it('Patches', () => expectMatchesKeras('patches', (f) => new Patches({ patchSize: f['patchSize'] as number })));
});
