/**
 * The toy model family: everything mlpx needs to train, bench and export a classifier of
 * ToyBlocks, registered with @mlpx/train's registerModelFamily (docs/adding-a-model.md).
 */
import * as tf from '@tensorflow/tfjs';
import { denseFlops, type ModelFamily } from '@mlpx/train';
import { ToyBlock } from './toy-block.js';

export const toyFamily: ModelFamily = {
  name: 'toy',
  displayName: 'Toy',
  learningRate: 0.003,
  positionEmbedding: false,
  block: (settings) => new ToyBlock(settings),
  blockFlops: (patches, channels) => ({ dense: denseFlops(patches, channels, channels), dft: 0 }),
  // The same function from stock layers: the same two weights (kernel, bias) in the same order.
  plainBlock: (x, sizes) =>
    tf.layers.add().apply([x, tf.layers.dense({ units: sizes.channels, activation: sizes.activation }).apply(x) as tf.SymbolicTensor]) as tf.SymbolicTensor,
};
