/**
 * tfjs Dense (linear activation) -> Gemm on 2-D inputs, MatMul + Add on [B, R, F] inputs
 * (a dense layer along the last axis, as Keras applies it). An int8 graph quantizes both forms
 * (emit/dense.ts denseLastAxis).
 */
import { attr } from '../onnx/attributes.js';
import { denseLastAxis } from '../emit/dense.js';
import type { Converter } from './converter.js';
import { registerConverter } from './registry.js';

export const denseConverter: Converter = {
  className: 'Dense',
  minOpset: 13,
  convert({ graph, layer, inputs, inputShape, name, weight, constant }) {
    const config = layer.getConfig();
    if (config['activation'] !== 'linear') {
      const activation = config['activation'];
      throw new Error(
        `Dense layer ${layer.name}: activation '${typeof activation === 'string' ? activation : JSON.stringify(activation)}' is not supported (only linear)`,
      );
    }
    if (config['useBias'] === false) throw new Error(`Dense layer ${layer.name}: a dense layer without bias is not supported`);
    const kernel = weight('kernel');
    const bias = weight('bias');
    // 2-D: Gemm, except where int8 quantizes it (and calibrates its input) as a dense layer.
    const quantizable = graph.numerics.precision === 'int8' || graph.numerics.onDenseInput !== undefined;
    if (inputShape.length === 2 && !quantizable) {
      return graph.op('Gemm', [inputs[0]!, constant('kernel', kernel.values, kernel.shape), constant('bias', bias.values, bias.shape)], {
        name,
        attributes: { alpha: attr.float(1), beta: attr.float(1) },
      });
    }
    return denseLastAxis(graph, inputs[0]!, { kernel, bias }, name);
  },
};

registerConverter(denseConverter);
