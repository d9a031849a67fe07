/** Importing this module registers every mlpx layer class with tfjs (needed before loading a saved model). */
export { BilinearResize, type BilinearResizeArgs } from './bilinear-resize.js';
export { FNetBlock, type FNetBlockArgs } from './fnet-block.js';
export { GMlpBlock, type GMlpBlockArgs } from './gmlp-block.js';
export { MixerBlock, type MixerBlockArgs } from './mixer-block.js';
export { channelStatistics, Normalization, NORMALIZATION_EPSILON, type ChannelStatistics } from './normalization.js';
export { PatchEmbedding, type PatchEmbeddingArgs } from './patch-embedding.js';
export { isPositionTable, PatchPositionEmbedding, POSITION_TABLES, type PatchPositionEmbeddingArgs, type PositionTable } from './patch-position-embedding.js';
export { Patches, type PatchesArgs } from './patches.js';
export { RandomFlip } from './random-flip.js';
export { RandomZoom, type RandomZoomArgs } from './random-zoom.js';
export { SeededDropout, type SeededDropoutArgs } from './seeded-dropout.js';
export { gelu, GELU_APPROXIMATIONS, type GeluApproximation } from './ops/gelu.js';
export { LAYER_NORM_EPSILON } from './ops/layer-norm.js';
export { dftCosSin, realDft2d, realDftMatrices } from './ops/real-dft2d.js';
export { randomSource, type RandomState } from './random-source.js';
