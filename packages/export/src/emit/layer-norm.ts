/**
 * Layer normalization over the last axis with mlpx's epsilon (1e-6, as the seed; ONNX's default
 * is 1e-5). Opset 17+: the LayerNormalization operator. Below 17, decomposed:
 *   mean = ReduceMean(x); d = x - mean; var = ReduceMean(d * d); y = d / Sqrt(var + eps) * g + b
 * In fp16 graphs the statistics are float32 either way: the operator's stash_type (default 1), or
 * Casts around the decomposed form.
 *
 * layerNormOfRows normalizes a [B, R, C] tensor through a [B*R, C] view (two Reshapes, which
 * onnxruntime runs as aliases of their input, no copy). The blocks use it: onnxruntime's CPU
 * EP otherwise fuses Add -> LayerNormalization on 3-D tensors into SkipLayerNormalization, whose
 * CPU kernel took 2x to 8x as long as the Add and the LayerNormalization it replaces (onnxruntime
 * 1.30, [128, 64, 256]: BENCHMARKS.md, "FNet's Fourier transform").
 */
import { LAYER_NORM_EPSILON } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { reduceMean } from './reduce-mean.js';

/** A layer norm's scale and shift: the names of its gamma and beta in the graph. */
export interface LayerNormParameters {
  readonly gamma: string;
  readonly beta: string;
}

/** The [B, R, C] shape of the tensor layerNormOfRows normalizes, without the batch. */
export interface RowsShape {
  readonly rows: number;
  readonly channels: number;
}

export function layerNorm(graph: GraphBuilder, x: string, parameters: LayerNormParameters, name: string): string {
  const { gamma, beta } = parameters;
  if (graph.opset < 17 && graph.floatType === 'float16') {
    // fp16 graphs: the decomposed form's mean and variance in float32 (the operator's stash_type
    // does this from opset 17).
    return graph.cast(
      graph.withFloatType('float32', () =>
        layerNorm(
          graph,
          graph.cast(x, 'float32', `${name}/x_float32`),
          { gamma: graph.cast(gamma, 'float32', `${name}/gamma_float32`), beta: graph.cast(beta, 'float32', `${name}/beta_float32`) },
          name,
        ),
      ),
      'float16',
      `${name}/to_float16`,
    );
  }
  if (graph.opset >= 17) {
    return graph.op('LayerNormalization', [x, gamma, beta], {
      name,
      attributes: { axis: attr.int(-1), epsilon: attr.float(LAYER_NORM_EPSILON) },
    });
  }
  const lastAxis = { axes: [-1], keepDims: true };
  const mean = reduceMean(graph, x, lastAxis, `${name}/mean`);
  const centred = graph.op('Sub', [x, mean], { name: `${name}/centre` });
  const variance = reduceMean(graph, graph.op('Mul', [centred, centred], { name: `${name}/square` }), lastAxis, `${name}/variance`);
  const epsilon = graph.floatConstant(`${name}/epsilon`, Float32Array.of(LAYER_NORM_EPSILON), []);
  const std = graph.op('Sqrt', [graph.op('Add', [variance, epsilon], { name: `${name}/add_epsilon` })], { name: `${name}/std` });
  const normalized = graph.op('Div', [centred, std], { name: `${name}/normalize` });
  return graph.op('Add', [graph.op('Mul', [normalized, gamma], { name: `${name}/scale` }), beta], { name: `${name}/shift` });
}

export function layerNormOfRows(graph: GraphBuilder, x: string, parameters: LayerNormParameters, shape: RowsShape, name: string): string {
  const { rows, channels } = shape;
  const flat = graph.op('Reshape', [x, graph.int64Constant(`${name}/rows_shape`, [-1, channels])], { name: `${name}/as_rows` });
  const normalized = layerNorm(graph, flat, parameters, name);
  return graph.op('Reshape', [normalized, graph.int64Constant(`${name}/batch_shape`, [-1, rows, channels])], { name: `${name}/as_batch` });
}
