/** PatchEmbedding -> MatMul + Add over the patch features: [B, P, F] x [F, D] + [D]. */
import { denseLastAxis } from '../emit/dense.js';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const patchEmbeddingConverter: Converter = {
  className: 'PatchEmbedding',
  minOpset: 13,
  convert({ graph, inputs, name, weight }) {
    return denseLastAxis(graph, inputs[0]!, { kernel: weight('kernel'), bias: weight('bias') }, name);
  },
};

registerConverter(patchEmbeddingConverter);
