/**
 * Floating-point operations of one training step per image, counted from the architecture (a
 * multiply-add is 2): the matmuls only, which is what the step's speed is set against (the
 * measured matmul peak, matmul-peak.ts). Forward (each family's blockFlops, models/families/),
 * then the backward pass: a dense layer's gradients are two matmuls of its size (dx and dW; the
 * patch embedding's input needs none), the DFT's is the DFT again.
 */
import { denseFlops } from '../models/block-flops.js';
import type { ModelConfig } from '../models/model-config.js';
import { modelFamily } from '../models/model-families.js';

type Sizes = Pick<ModelConfig, 'model' | 'inputChannels' | 'numClasses' | 'imageSize' | 'patchSize' | 'embeddingDim' | 'blocks'>;

export function trainingFlopsPerImage(config: Sizes): number {
  const patches = (config.imageSize / config.patchSize) ** 2;
  const features = config.patchSize * config.patchSize * config.inputChannels;
  const block = modelFamily(config.model).blockFlops(patches, config.embeddingDim);
  const embedding = 2 * denseFlops(patches, features, config.embeddingDim);
  const head = 3 * denseFlops(1, config.embeddingDim, config.numClasses);
  return embedding + config.blocks * (3 * block.dense + 2 * block.dft) + head;
}
