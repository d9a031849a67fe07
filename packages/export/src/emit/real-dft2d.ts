/**
 * The real part of the 2-D DFT over the last two axes of [B, N, D] (FNet's token mixing), in one
 * of two forms:
 *
 * matmul (every opset, every execution provider): with C_K = cos(2 pi j k / K), S_K = sin(...),
 *   Re(F_N X F_D) = C_N X C_D - S_N X S_D
 *   Y = X [C_D | S_D]  (MatMul),  Split Y into halves,  Concat them along the patch axis,
 *   out = [C_N | -S_N] (that)  (MatMul, broadcast over the batch).
 *   About ten times faster than the DFT operator on onnxruntime's CPU EP (docs/toolchain-notes.md), and
 *   runs where DFT has no kernel.
 *
 * dft (opset 17+): Unsqueeze a trailing real axis, DFT over the channel axis, DFT over the patch
 *   axis (complex in, complex out), Gather the real part. Opset 20 moved DFT's axis from an
 *   attribute to an input.
 */
import { realDftMatrices } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { FftMode } from '../converters/converter.js';

export const MIN_DFT_OPSET = 17;

function realDft2dMatmul(graph: GraphBuilder, x: string, patches: number, channels: number, name: string): string {
  const { right, left } = realDftMatrices(patches, channels);
  const y = graph.op('MatMul', [x, graph.floatConstant(`${name}/cos_sin_channels`, right, [channels, 2 * channels])], { name: `${name}/channels` });
  const [cosPart, sinPart] = graph.node('Split', [y, graph.int64Constant(`${name}/split_sizes`, [channels, channels])], {
    name: `${name}/split`,
    attributes: { axis: attr.int(2) },
    outputs: 2,
  }) as [string, string];
  const stacked = graph.op('Concat', [cosPart, sinPart], { name: `${name}/stack`, attributes: { axis: attr.int(1) } });
  return graph.op('MatMul', [graph.floatConstant(`${name}/cos_minus_sin_patches`, left, [patches, 2 * patches]), stacked], { name: `${name}/patches` });
}

function dftNode(graph: GraphBuilder, x: string, axis: number, name: string): string {
  const attributes = { onesided: attr.int(0), inverse: attr.int(0) };
  if (graph.opset >= 20) {
    return graph.op('DFT', [x, '', graph.int64Constant(`${name}/axis`, [axis], [])], { name, attributes });
  }
  return graph.op('DFT', [x], { name, attributes: { ...attributes, axis: attr.int(axis) } });
}

function realDft2dOperator(graph: GraphBuilder, x: string, name: string): string {
  if (graph.opset < MIN_DFT_OPSET) throw new Error(`--fft dft needs opset ${MIN_DFT_OPSET} or later (the DFT operator); got ${graph.opset}`);
  const real = graph.op('Unsqueeze', [x, graph.int64Constant(`${name}/complex_axis`, [-1])], { name: `${name}/as_real_signal` });
  const overChannels = dftNode(graph, real, 2, `${name}/dft_channels`);
  const overPatches = dftNode(graph, overChannels, 1, `${name}/dft_patches`);
  return graph.op('Gather', [overPatches, graph.int64Constant(`${name}/real_index`, [0], [])], { name: `${name}/real_part`, attributes: { axis: attr.int(-1) } });
}

export function realDft2d(graph: GraphBuilder, x: string, patches: number, channels: number, mode: FftMode, name: string): string {
  return mode === 'matmul' ? realDft2dMatmul(graph, x, patches, channels, name) : realDft2dOperator(graph, x, name);
}
