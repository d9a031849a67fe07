/**
 * Normalization -> Sub(mean), Div(std), with std = max(sqrt(variance), 1e-7) folded at export
 * (Keras' formula, as the layer computes it).
 */
import { NORMALIZATION_EPSILON } from '@mlpx/train';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const normalizationConverter: Converter = {
  className: 'Normalization',
  minOpset: 13,
  convert({ graph, inputs, name, weight, constant }) {
    const mean = weight('mean');
    const variance = weight('variance');
    const std = variance.values.map((v) => Math.max(Math.sqrt(v), NORMALIZATION_EPSILON));
    const centred = graph.op('Sub', [inputs[0]!, constant('mean', mean.values, mean.shape)], { name: `${name}/centre` });
    return graph.op('Div', [centred, constant('std', std, variance.shape)], { name: `${name}/scale` });
  },
};

registerConverter(normalizationConverter);
