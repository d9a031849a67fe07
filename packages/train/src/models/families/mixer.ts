/**
 * MLP-Mixer (Tolstikhin et al. 2021, arXiv:2105.01601): token mixing over patches, then channel
 * mixing, each an MLP with a residual (layers/mixer-block.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { add, chain, layer, norm, swap, type Apply } from '../../layers/plain/plain-graph.js';
import { MixerBlock } from '../../layers/mixer-block.js';
import { denseFlops } from '../block-flops.js';
import type { ModelFamily } from '../model-family.js';

export const mixerFamily: ModelFamily & { readonly name: 'mixer' } = {
  name: 'mixer',
  displayName: 'MLP-Mixer',
  learningRate: 0.005,
  positionEmbedding: false,
  kerasBlock: 'MLPMixerLayer',
  block: (settings) => new MixerBlock(settings),
  // Token MLP over patches (width = patches) and channel MLP (hidden width = patches, as the seed).
  blockFlops: (patches, channels) => ({
    dense: 2 * denseFlops(channels, patches, patches) + denseFlops(patches, channels, patches) + denseFlops(patches, patches, channels),
    dft: 0,
  }),
  plainBlock(x, s) {
    // One LayerNormalization serves both norms, as in the seed.
    const shared = layer(norm());
    const mlp = (width: number, out: number): Apply[] => [
      layer(tf.layers.dense({ units: width, activation: s.activation })),
      layer(tf.layers.dense({ units: out })),
      layer(tf.layers.dropout({ rate: s.rate })),
    ];
    const tokens = add(x, chain(x, shared, swap(), ...mlp(s.patches, s.patches), swap()));
    return add(tokens, chain(tokens, shared, ...mlp(s.patches, s.channels)));
  },
};
