/** What an exported model holds: node count per operator, constants, parameters, opset. */
import { decodeModel, DataType } from '@mlpx/core';

export interface OnnxSummary {
  readonly opset: number;
  readonly irVersion: number;
  readonly nodes: number;
  readonly operators: Readonly<Record<string, number>>;
  /** Float constant values (weights and folded matrices: float32, float16, and int8 kernels). */
  readonly parameters: number;
  readonly metadata: Readonly<Record<string, string>>;
}

export function summarizeOnnx(bytes: Uint8Array): OnnxSummary {
  const model = decodeModel(bytes);
  const operators: Record<string, number> = {};
  for (const node of model.graph.node ?? []) operators[node.op_type] = (operators[node.op_type] ?? 0) + 1;
  const parameters = (model.graph.initializer ?? [])
    .filter((t) => t.data_type === DataType.FLOAT || t.data_type === DataType.FLOAT16 || t.data_type === DataType.INT8)
    .reduce((sum, t) => sum + (t.dims ?? []).reduce((a, b) => a * b, 1), 0);
  return {
    opset: model.opset_import.find((o) => !o.domain)?.version ?? 0,
    irVersion: model.ir_version,
    nodes: model.graph.node?.length ?? 0,
    operators,
    parameters,
    metadata: Object.fromEntries((model.metadata_props ?? []).map((p) => [p.key, p.value])),
  };
}
