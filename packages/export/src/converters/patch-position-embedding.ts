/** PatchPositionEmbedding -> Add of the learned [P, D] table, broadcast over the batch. */
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
