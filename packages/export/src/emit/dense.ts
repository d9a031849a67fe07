/**
 * Dense layers on [B, R, F] tensors, kernels and biases baked in as constants.
 *   denseLastAxis:  x W + b                         over the feature axis (MatMul + Add; in an int8
 *                   graph, QuantizeLinear + MatMulIntegerToFloat: emit/int8-dense.ts)
 *   denseOverRows:  T(Dense(T(x))) without the transposes: W^T x + b[:, None], where T swaps the
 *                   last two axes. This is the seed's token mixing (MLP-Mixer) and spatial
 *                   projection (gMLP): a dense layer over the patch axis. W^T is folded at export
 *                   and MatMul broadcasts it over the batch, so no Transpose reaches the graph.
 */
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { DenseWeights } from './dense-weights.js';
import { int8DenseLastAxis } from './int8-dense.js';

export function denseLastAxis(graph: GraphBuilder, x: string, weights: DenseWeights, name: string): string {
  const { numerics } = graph;
  numerics.onDenseInput?.(name, x);
  const activation = numerics.precision === 'int8' ? numerics.activations?.get(name) : undefined;
  if (activation) return int8DenseLastAxis(graph, x, weights, activation, name);
  const kernel = graph.floatConstant(`${name}/kernel`, weights.kernel.values, weights.kernel.shape);
  const bias = graph.floatConstant(`${name}/bias`, weights.bias.values, weights.bias.shape);
  return graph.op('Add', [graph.op('MatMul', [x, kernel], { name }), bias], { name: `${name}/bias_add` });
}

function transpose2d(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

export function denseOverRows(graph: GraphBuilder, x: string, weights: DenseWeights, name: string): string {
  const [inputs, units] = weights.kernel.shape as [number, number];
  const kernel = graph.floatConstant(`${name}/kernel_t`, transpose2d(weights.kernel.values, inputs, units), [units, inputs]);
  const bias = graph.floatConstant(`${name}/bias_column`, weights.bias.values, [units, 1]);
  return graph.op('Add', [graph.op('MatMul', [kernel, x], { name }), bias], { name: `${name}/bias_add` });
}
