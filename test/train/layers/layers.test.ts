import { describe, it } from 'vitest';
import {
  BilinearResize,
  FNetBlock,
  GMlpBlock,
  MixerBlock,
  Normalization,
  PatchPositionEmbedding,
  Patches,
  RandomFlip,
  RandomZoom,
  SeededDropout,
} from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { checkLayer } from '../../helpers/layer-checks.js';

useBackend('wasm');

describe('every layer: shape, config, save/load, no leaks', () => {
  const cases = [
    { name: 'Normalization', make: () => new Normalization({}), inputShape: [4, 4, 3], outputShape: [4, 4, 3] },
    { name: 'BilinearResize', make: () => new BilinearResize({ height: 8, width: 6 }), inputShape: [4, 4, 3], outputShape: [8, 6, 3] },
    { name: 'RandomFlip', make: () => new RandomFlip({}), inputShape: [4, 4, 3], outputShape: [4, 4, 3] },
    { name: 'RandomZoom', make: () => new RandomZoom({ heightFactor: 0.2, widthFactor: 0.1 }), inputShape: [4, 4, 3], outputShape: [4, 4, 3] },
    { name: 'Patches', make: () => new Patches({ patchSize: 2 }), inputShape: [4, 6, 3], outputShape: [6, 12] },
    { name: 'PatchPositionEmbedding', make: () => new PatchPositionEmbedding({}), inputShape: [6, 8], outputShape: [6, 8] },
    { name: 'SeededDropout', make: () => new SeededDropout({ rate: 0.3 }), inputShape: [8], outputShape: [8] },
    { name: 'MixerBlock', make: () => new MixerBlock({ dropoutRate: 0.2 }), inputShape: [6, 8], outputShape: [6, 8] },
    {
      name: 'MixerBlock (tanh GELU, widths)',
      make: () => new MixerBlock({ dropoutRate: 0, gelu: 'tanh', tokenMlpDim: 5, channelMlpDim: 7 }),
      inputShape: [6, 8],
      outputShape: [6, 8],
    },
    { name: 'FNetBlock', make: () => new FNetBlock({ dropoutRate: 0.2 }), inputShape: [6, 8], outputShape: [6, 8] },
    { name: 'GMlpBlock', make: () => new GMlpBlock({ dropoutRate: 0.2, gelu: 'tanh' }), inputShape: [6, 8], outputShape: [6, 8] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await checkLayer(c);
    });
  }
});
