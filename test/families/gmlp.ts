/** gMLP's test cases (test/families/family-cases.ts). */
import { GMlpBlock } from '@mlpx/train/src/layers/index.js';
import type { FamilyCases } from './family-cases.js';

// Seed configuration: 64 patches, 256 channels. Channel projection 256 -> 512, spatial
// projection 64 -> 64 over 256 channels, channel projection 256 -> 256; x3 in training.
const forward = 2 * 64 * 256 * 512 + 2 * 256 * 64 * 64 + 2 * 64 * 256 * 256;

export const cases: FamilyCases = {
  family: 'gmlp',
  learningRate: 0.003,
  positionEmbedding: false,
  block: (options) => new GMlpBlock(options),
  blocks: [{ name: 'GMlpBlock', make: () => cases.block({ dropoutRate: 0 }), shape: [8, 16] }],
  // The channel projections (u and v from one QuantizeLinear); the spatial projection stays MatMul.
  int8: { int8: 3, float: 1, quantize: 2 },
  // NHWC -> NCHW and back around the Resize, and the patch grid.
  exportedTransposes: 3,
  seedBlockTrainingFlops: 3 * forward,
};
