/**
 * GMlpBlock ->
 *   x      = LN1(inputs)
 *   [u, v] = Split(GELU(Dense_2D(x)), channels)
 *   out    = x + Dense(u * Dense_over_patches(LN2(v)))     spatial gating unit
 * The spatial projection multiplies by its transposed kernel from the left (emit/dense.ts), so
 * the layer's two transposes do not appear in the graph. Dropout is the identity at inference.
 */
import type { GMlpBlock } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import { denseLastAxis, denseOverRows } from '../emit/dense.js';
import { gelu } from '../emit/gelu.js';
import type { Converter } from './converter.js';
import { denseWeightsOf, layerNormOf } from './layer-weights.js';
import { registerConverter } from './registry.js';

export const gmlpBlockConverter: Converter = {
  className: 'GMlpBlock',
  minOpset: 13,
  convert(context) {
    const { graph, layer, inputs, inputShape, name } = context;
    const approximation = (layer as GMlpBlock).gelu;
    const channels = inputShape[2] as number;
    const dense = (prefix: string) => denseWeightsOf(context, prefix);
    const norm = (prefix: string, x: string): string => layerNormOf(context, prefix, x);
    const x = norm('norm1', inputs[0]!);
    const projected = gelu(graph, denseLastAxis(graph, x, dense('channel_projection_1'), `${name}/channel_projection_1`), approximation, `${name}/gelu`);
    const [u, v] = graph.node('Split', [projected, graph.int64Constant(`${name}/split_sizes`, [channels, channels])], {
      name: `${name}/split`,
      attributes: { axis: attr.int(2) },
      outputs: 2,
    }) as [string, string];
    const gate = denseOverRows(graph, norm('norm2', v), dense('spatial_projection'), `${name}/spatial_projection`);
    const gated = graph.op('Mul', [u, gate], { name: `${name}/gating` });
    const out = denseLastAxis(graph, gated, dense('channel_projection_2'), `${name}/channel_projection_2`);
    return graph.op('Add', [x, out], { name: `${name}/residual` });
  },
};

registerConverter(gmlpBlockConverter);
