/** MLP-Mixer's test cases (test/families/family-cases.ts). */
import { MixerBlock } from '@mlpx/train/src/layers/index.js';
import type { FamilyCases } from './family-cases.js';

// Seed configuration: 64 patches, 256 channels, hidden widths 64 (the patch count).
// Token MLP 64 -> 64 -> 64 over 256 channels, channel MLP 256 -> 64 -> 256 over 64 patches; x3 in training.
const forward = 2 * (2 * 256 * 64 * 64) + 2 * (2 * 64 * 256 * 64);

export const cases: FamilyCases = {
  family: 'mixer',
  learningRate: 0.005,
  positionEmbedding: false,
  block: (options) => new MixerBlock(options),
  blocks: [{ name: 'MixerBlock', make: () => cases.block({ dropoutRate: 0 }), shape: [8, 16] }],
  // MatMulIntegerToFloat for the channel MLP; the token MLP (the kernel on the left) stays MatMul.
  int8: { int8: 2, float: 2 },
  // NHWC -> NCHW and back around the Resize, and the patch grid.
  exportedTransposes: 3,
  seedBlockTrainingFlops: 3 * forward,
};
