/** The block converters' common reads: a dense layer's weights, and a layer norm from its weights. */
import type { DenseWeights } from '../emit/dense-weights.js';
import { layerNormOfRows } from '../emit/layer-norm.js';
import type { ConverterContext } from './converter.js';

/** `<prefix>/kernel` and `<prefix>/bias` of the layer. */
export function denseWeightsOf(context: ConverterContext, prefix: string): DenseWeights {
  return { kernel: context.weight(`${prefix}/kernel`), bias: context.weight(`${prefix}/bias`) };
}

/** LayerNormalization of `x` ([B, R, C], the layer's input shape) with the layer's `<prefix>/gamma` and `<prefix>/beta`. */
export function layerNormOf(context: ConverterContext, prefix: string, x: string): string {
  const gamma = context.weight(`${prefix}/gamma`);
  const beta = context.weight(`${prefix}/beta`);
  const [, rows, channels] = context.inputShape as [null, number, number];
  return layerNormOfRows(
    context.graph,
    x,
    { gamma: context.constant(`${prefix}/gamma`, gamma.values, gamma.shape), beta: context.constant(`${prefix}/beta`, beta.values, beta.shape) },
    { rows, channels },
    `${context.name}/${prefix}`,
  );
}
