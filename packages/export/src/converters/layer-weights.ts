/** The block converters' common reads: a dense layer's weights, and a layer norm from its weights. */
import { type DenseWeights } from '../emit/dense.js';
import { layerNorm } from '../emit/layer-norm.js';
import type { ConverterContext } from './converter.js';

/** `<prefix>/kernel` and `<prefix>/bias` of the layer. */
export function denseWeightsOf(context: ConverterContext, prefix: string): DenseWeights {
  return { kernel: context.weight(`${prefix}/kernel`), bias: context.weight(`${prefix}/bias`) };
}

/** LayerNormalization of `x` with the layer's `<prefix>/gamma` and `<prefix>/beta`. */
export function layerNormOf(context: ConverterContext, prefix: string, x: string): string {
  const gamma = context.weight(`${prefix}/gamma`);
  const beta = context.weight(`${prefix}/beta`);
  return layerNorm(
    context.graph,
    x,
    context.constant(`${prefix}/gamma`, gamma.values, gamma.shape),
    context.constant(`${prefix}/beta`, beta.values, beta.shape),
    `${context.name}/${prefix}`,
  );
}
