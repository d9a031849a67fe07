/**
 * Floating-point operations of one training step per image, counted from the architecture (a
 * multiply-add is 2): the matmuls only, which is what the step's speed is set against (the
 * measured matmul peak, matmul-peak.ts). Forward, then the backward pass: a dense layer's
 * gradients are two matmuls of its size (dx and dW; the patch embedding's input needs none), the
 * DFT's is the DFT again.
 */
import type { ModelConfig } from '../models/model-config.js';

type Sizes = Pick<ModelConfig, 'model' | 'inputChannels' | 'numClasses' | 'imageSize' | 'patchSize' | 'embeddingDim' | 'blocks'>;

/** 2 * rows * inputs * outputs. */
function dense(rows: number, inputs: number, outputs: number): number {
  return 2 * rows * inputs * outputs;
}

/** Forward matmul FLOPs of one block, per image. */
function blockForward(model: ModelConfig['model'], patches: number, channels: number): { dense: number; dft: number } {
  switch (model) {
    case 'mixer':
      // Token MLP over patches (width = patches) and channel MLP (hidden width = patches, as the seed).
      return { dense: 2 * dense(channels, patches, patches) + dense(patches, channels, patches) + dense(patches, patches, channels), dft: 0 };
    case 'fnet':
      // [P, D] x [D, 2D] along channels, [P, 2P] x [2P, D] along patches; the feed-forward D -> D -> D.
      return { dense: 2 * dense(patches, channels, channels), dft: dense(patches, channels, 2 * channels) + dense(patches, 2 * patches, channels) };
    case 'gmlp':
      // Projection D -> 2D, spatial projection over patches of D channels, projection D -> D.
      return { dense: dense(patches, channels, 2 * channels) + dense(channels, patches, patches) + dense(patches, channels, channels), dft: 0 };
  }
}

export function trainingFlopsPerImage(config: Sizes): number {
  const patches = (config.imageSize / config.patchSize) ** 2;
  const features = config.patchSize * config.patchSize * config.inputChannels;
  const block = blockForward(config.model, patches, config.embeddingDim);
  const embedding = 2 * dense(patches, features, config.embeddingDim);
  const head = 3 * dense(1, config.embeddingDim, config.numClasses);
  return embedding + config.blocks * (3 * block.dense + 2 * block.dft) + head;
}
