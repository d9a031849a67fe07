/**
 * GMlpBlock ->
 *   x      = LN1(inputs)
 *   u, v   = GELU(Dense(x)) with the first and the second half of the projection's kernel
 *   out    = x + Dense(u * Dense_over_patches(LN2(v)))     spatial gating unit
 * The spatial projection multiplies by its transposed kernel from the left (emit/dense.ts), so
 * the layer's two transposes do not appear in the graph. Dropout is the identity at inference.
 */
import type { GMlpBlock } from '@mlpx/train';
import { denseLastAxis, denseOverRows } from '../emit/dense.js';
import type { DenseWeights } from '../emit/dense-weights.js';
import { gelu } from '../emit/gelu.js';
import type { Converter } from './converter.js';
import { denseWeightsOf, layerNormOf } from './layer-weights.js';
import { registerConverter } from './registry.js';

/** Columns [start, start + count) of a row-major matrix `width` columns wide. */
function columns(values: Float32Array, width: number, start: number, count: number): Float32Array {
  const rows = values.length / width;
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * width + start, r * width + start + count), r * count);
  return out;
}

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
    // u and v from the kernel's two halves: no Split of a [B, N, 2C] tensor (one copy of it fewer),
    // and in int8 one QuantizeLinear of x for both (onnxruntime merges the two equal ones).
    const projection = dense('channel_projection_1');
    const half = (which: 0 | 1): DenseWeights => ({
      kernel: { values: columns(projection.kernel.values, 2 * channels, which * channels, channels), shape: [projection.kernel.shape[0]!, channels] },
      bias: { values: projection.bias.values.slice(which * channels, (which + 1) * channels), shape: [channels] },
    });
    const u = gelu(graph, denseLastAxis(graph, x, half(0), `${name}/channel_projection_1_u`), approximation, `${name}/gelu_u`);
    const v = gelu(graph, denseLastAxis(graph, x, half(1), `${name}/channel_projection_1_v`), approximation, `${name}/gelu_v`);
    const gate = denseOverRows(graph, norm('norm2', v), dense('spatial_projection'), `${name}/spatial_projection`);
    const gated = graph.op('Mul', [u, gate], { name: `${name}/gating` });
    const out = denseLastAxis(graph, gated, dense('channel_projection_2'), `${name}/channel_projection_2`);
    return graph.op('Add', [x, out], { name: `${name}/residual` });
  },
};

registerConverter(gmlpBlockConverter);
