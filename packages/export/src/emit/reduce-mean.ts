/** ReduceMean over given axes: the axes are an attribute up to opset 17 and an input from 18. */
import { attr } from '../onnx/attributes.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';

/** The axes a ReduceMean averages over, and whether it keeps them (as size 1). */
export interface MeanAxes {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

export function reduceMean(graph: GraphBuilder, x: string, over: MeanAxes, name: string): string {
  const { axes, keepDims } = over;
  const keepdims = attr.int(keepDims ? 1 : 0);
  if (graph.opset >= 18) {
    return graph.op('ReduceMean', [x, graph.int64Constant(`${name}/axes`, axes)], { name, attributes: { keepdims } });
  }
  return graph.op('ReduceMean', [x], { name, attributes: { axes: attr.ints(axes), keepdims } });
}
