/**
 * The small classifiers the training tests build: 16 x 16 x 3 inputs, two blocks, exact GELU;
 * each test changes the sizes it needs (`smallModelConfig('gmlp', { embeddingDim: 20 })`).
 */
import type { ModelConfig } from '@mlpx/train/src/models/model-config.js';

export function smallModelConfig(model: string, sizes: Partial<Omit<ModelConfig, 'model'>> = {}): ModelConfig {
  return {
    model,
    inputHeight: 16,
    inputWidth: 16,
    inputChannels: 3,
    numClasses: 10,
    imageSize: 32,
    patchSize: 8,
    embeddingDim: 32,
    blocks: 2,
    dropout: 0.2,
    gelu: 'exact',
    ...sizes,
  };
}
