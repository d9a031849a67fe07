/**
 * PatchPositionEmbedding -> Add of the [P, D] table as a constant, broadcast over the batch. The
 * table is a weight of the layer whether frozen (the seed's, non-trainable) or trained.
 */
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const patchPositionEmbeddingConverter: Converter = {
  className: 'PatchPositionEmbedding',
  minOpset: 13,
  convert({ graph, inputs, name, weight, constant }) {
    const table = weight('embeddings');
    return graph.op('Add', [inputs[0]!, constant('embeddings', table.values, table.shape)], { name });
  },
};

registerConverter(patchPositionEmbeddingConverter);
