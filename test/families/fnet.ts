/** FNet's test cases (test/families/family-cases.ts). */
import { FNetBlock } from '@mlpx/train/src/layers/index.js';
import type { FamilyCases } from './family-cases.js';

// Seed configuration: 64 patches, 256 channels. The real 2-D DFT as matmuls (its gradient is
// itself: twice in training), the feed-forward 256 -> 256 -> 256 three times.
const dft = 2 * 64 * 256 * 512 + 2 * 64 * 128 * 256;

export const cases: FamilyCases = {
  family: 'fnet',
  learningRate: 0.001,
  positionEmbedding: true,
  block: (options) => new FNetBlock(options),
  blocks: [
    { name: 'FNetBlock', make: () => cases.block({ dropoutRate: 0 }), shape: [8, 16] },
    { name: 'FNetBlock 7 patches (odd)', make: () => cases.block({ dropoutRate: 0 }), shape: [7, 12] },
    { name: "FNetBlock 64x256 (the seed's)", make: () => cases.block({ dropoutRate: 0 }), shape: [64, 256] },
  ],
  // The feed-forward layers and the Fourier transform's second channel stage; its patch and first channel stages stay MatMul.
  int8: { int8: 3, float: 2 },
  // Those of every family (the Resize's two, the patch grid's) and one per block (2 blocks) that
  // puts the factored Fourier transform's channels back in order.
  exportedTransposes: 3 + 2,
  seedBlockTrainingFlops: 2 * dft + 3 * 2 * (2 * 64 * 256 * 256),
};
