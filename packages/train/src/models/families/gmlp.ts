/**
 * gMLP (Liu et al. 2021, arXiv:2105.08050): a channel projection split in two halves, one gating
 * the other after a projection over patches (layers/gmlp-block.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { add, chain, layer, norm, swap } from '../../layers/plain/plain-graph.js';
import { ChannelHalves } from '../../layers/plain/plain-layers.js';
import { GMlpBlock } from '../../layers/gmlp-block.js';
import { denseFlops } from '../block-flops.js';
import type { ModelFamily } from '../model-family.js';

export const gmlpFamily: ModelFamily & { readonly name: 'gmlp' } = {
  name: 'gmlp',
  displayName: 'gMLP',
  learningRate: 0.003,
  positionEmbedding: false,
  kerasBlock: 'GMLPLayer',
  block: (settings) => new GMlpBlock(settings),
  // Projection D -> 2D, spatial projection over patches of D channels, projection D -> D.
  blockFlops: (patches, channels) => ({
    dense: denseFlops(patches, channels, 2 * channels) + denseFlops(channels, patches, patches) + denseFlops(patches, channels, channels),
    dft: 0,
  }),
  plainBlock(x, s) {
    const normalized = layer(norm())(x);
    const projected = chain(
      normalized,
      layer(tf.layers.dense({ units: 2 * s.channels, activation: s.activation })),
      layer(tf.layers.dropout({ rate: s.rate })),
    );
    const [u, v] = new ChannelHalves().apply(projected) as tf.SymbolicTensor[];
    const gate = chain(v!, layer(norm()), swap(), layer(tf.layers.dense({ units: s.patches, biasInitializer: 'ones' })), swap());
    const gated = tf.layers.multiply().apply([u!, gate]) as tf.SymbolicTensor;
    return add(normalized, layer(tf.layers.dense({ units: s.channels }))(gated));
  },
};
