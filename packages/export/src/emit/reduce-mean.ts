/** ReduceMean over given axes: the axes are an attribute up to opset 17 and an input from 18. */
import { attr } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';

export function reduceMean(graph: GraphBuilder, x: string, axes: readonly number[], keepDims: boolean, name: string): string {
  const keepdims = attr.int(keepDims ? 1 : 0);
  if (graph.opset >= 18) {
    return graph.op('ReduceMean', [x, graph.int64Constant(`${name}/axes`, axes)], { name, attributes: { keepdims } });
  }
  return graph.op('ReduceMean', [x], { name, attributes: { axes: attr.ints(axes), keepdims } });
}
