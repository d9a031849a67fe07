/**
 * FNet (Lee-Thorp et al. 2021, arXiv:2105.03824): a 2-D Fourier transform mixes the tokens, a
 * feed-forward network the channels (layers/fnet-block.ts). The classifier adds a position
 * embedding after the patch embedding, as the seed's FNet does; its own option is that embedding's
 * table (frozen, as the seed's, or trained).
 */
import * as tf from '@tensorflow/tfjs';
import { add, chain, layer, norm } from '../../layers/plain/plain-graph.js';
import { PlainFourierTransform } from '../../layers/plain/plain-layers.js';
import { FNetBlock } from '../../layers/fnet-block.js';
import { POSITION_TABLES } from '../../layers/patch-position-embedding.js';
import { denseFlops } from '../block-flops.js';
import type { ModelFamily } from '../model-family.js';

export const fnetFamily: ModelFamily & { readonly name: 'fnet' } = {
  name: 'fnet',
  displayName: 'FNet',
  learningRate: 0.001,
  positionEmbedding: true,
  kerasBlock: 'FNetLayer',
  options: {
    // The PatchPositionEmbedding's table (build-classifier.ts reads it by this key).
    positionTable: {
      label: 'position table',
      description: "'frozen', the seed's fixed random table, or 'trained', learned with the weights",
      valueName: 'mode',
      choices: POSITION_TABLES,
      default: 'frozen',
      // Runs saved before the option existed trained the table (docs/seed.md, "FNet's position table").
      unrecorded: 'trained',
    },
  },
  block: (settings) => new FNetBlock(settings),
  // [P, D] x [D, 2D] along channels, [P, 2P] x [2P, D] along patches; the feed-forward D -> D -> D.
  blockFlops: (patches, channels) => ({
    dense: 2 * denseFlops(patches, channels, channels),
    dft: denseFlops(patches, channels, 2 * channels) + denseFlops(patches, 2 * patches, channels),
  }),
  plainBlock(x, s) {
    const mixed = chain(add(layer(new PlainFourierTransform())(x), x), layer(norm()));
    const ffn = chain(
      mixed,
      layer(tf.layers.dense({ units: s.channels, activation: s.activation })),
      layer(tf.layers.dropout({ rate: s.rate })),
      layer(tf.layers.dense({ units: s.channels })),
    );
    return layer(norm())(add(mixed, ffn));
  },
};
