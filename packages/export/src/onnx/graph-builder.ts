/**
 * Builds an ONNX graph: nodes in topological order (the order they are added), initializers
 * (constants computed at export, stored little-endian in raw_data), value_info, and unique,
 * readable names derived from the tfjs layer names ("mixer_block_1/token_mlp_1/MatMul").
 */
import { type Attribute, attributeProto } from './attributes.js';
import { DataType } from '@mlpx/core';

/** A dimension: a size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

export interface NodeOptions {
  /** Readable node name; made unique. */
  readonly name: string;
  readonly attributes?: Readonly<Record<string, Attribute>>;
  /** Number of outputs (default 1). */
  readonly outputs?: number;
  readonly doc?: string;
}

interface NodeRecord {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Readonly<Record<string, Attribute>>;
  doc: string | undefined;
}

interface InitializerRecord {
  name: string;
  dataType: number;
  dims: number[];
  raw: Uint8Array;
}

function littleEndianFloat32(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

function littleEndianInt64(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

export class GraphBuilder {
  private readonly nodes: NodeRecord[] = [];
  private readonly initializers: InitializerRecord[] = [];
  private readonly valueInfos = new Map<string, readonly Dim[]>();
  private readonly usedNames = new Set<string>();

  constructor(readonly opset: number) {}

  private unique(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    this.usedNames.add(name);
    return name;
  }

  /** Adds a node; returns its output value names. */
  node(opType: string, inputs: readonly string[], options: NodeOptions): string[] {
    const name = this.unique(options.name.endsWith(opType) ? options.name : `${options.name}/${opType}`);
    const count = options.outputs ?? 1;
    const outputs = Array.from({ length: count }, (_, i) => this.unique(count === 1 ? `${name}:out` : `${name}:out${i}`));
    this.nodes.push({ name, opType, inputs: [...inputs], outputs, attributes: options.attributes ?? {}, doc: options.doc });
    return outputs;
  }

  /** A node with one output; returns its name. */
  op(opType: string, inputs: readonly string[], options: NodeOptions): string {
    return this.node(opType, inputs, { ...options, outputs: 1 })[0]!;
  }

  /** A float32 constant. */
  floatConstant(name: string, values: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== values.length) throw new Error(`constant ${name}: ${values.length} values do not fill dims [${dims}]`);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new NonFiniteWeightError(name, values[i]!, i);
    }
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dataType: DataType.FLOAT, dims: [...dims], raw: littleEndianFloat32(values) });
    return unique;
  }

  /** An int64 constant (shapes, axes, split sizes). */
  int64Constant(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dataType: DataType.INT64, dims: [...dims], raw: littleEndianInt64(values) });
    return unique;
  }

  /** Records the shape of an intermediate value (written as value_info). */
  setShape(value: string, dims: readonly Dim[]): void {
    this.valueInfos.set(value, dims);
  }

  /** Renames a value everywhere it appears (used to give graph outputs their public names). */
  renameValue(from: string, to: string): void {
    if (this.usedNames.has(to)) throw new Error(`value name ${to} is already used`);
    this.usedNames.add(to);
    for (const node of this.nodes) {
      node.inputs = node.inputs.map((v) => (v === from ? to : v));
      node.outputs = node.outputs.map((v) => (v === from ? to : v));
    }
    const shape = this.valueInfos.get(from);
    if (shape) {
      this.valueInfos.delete(from);
      this.valueInfos.set(to, shape);
    }
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /** The GraphProto fields. Inputs and outputs are float32 tensors of the given shapes. */
  toGraphProto(options: {
    name: string;
    doc: string;
    inputs: readonly { name: string; dims: readonly Dim[] }[];
    outputs: readonly { name: string; dims: readonly Dim[] }[];
  }): Record<string, unknown> {
    const io = new Set([...options.inputs, ...options.outputs].map((v) => v.name));
    return {
      name: options.name,
      doc_string: options.doc,
      node: this.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([key, value]) => attributeProto(key, value)),
        ...(n.doc ? { doc_string: n.doc } : {}),
      })),
      initializer: this.initializers.map((t) => ({ name: t.name, data_type: t.dataType, dims: t.dims, raw_data: t.raw })),
      input: options.inputs.map((v) => valueInfoProto(v.name, v.dims)),
      output: options.outputs.map((v) => valueInfoProto(v.name, v.dims)),
      value_info: [...this.valueInfos].filter(([name]) => !io.has(name)).map(([name, dims]) => valueInfoProto(name, dims)),
    };
  }
}

function valueInfoProto(name: string, dims: readonly Dim[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/** A weight that is NaN or infinite: the model cannot be exported meaningfully. */
export class NonFiniteWeightError extends Error {
  constructor(
    readonly constant: string,
    readonly value: number,
    readonly index: number,
  ) {
    super(`weight ${constant} holds ${value} at index ${index}`);
  }
}
