/**
 * Builds an ONNX graph: nodes in topological order (the order they are added), initializers
 * (constants computed at export, stored little-endian in raw_data), value_info, and unique,
 * readable names derived from the tfjs layer names ("mixer_block_1/token_mlp_1/MatMul").
 */
import { attr, type Attribute, attributeProto } from './attributes.js';
import { DataType } from '@mlpx/core';
import { FP32, type Numerics } from './numerics.js';

/** A dimension: a size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

export interface NodeOptions {
  /** Readable node name; made unique. */
  readonly name: string;
  readonly attributes?: Readonly<Record<string, Attribute>>;
  /** Number of outputs (default 1). */
  readonly outputs?: number;
  readonly doc?: string;
  /** The operator's domain: '' (ONNX, default) or 'com.microsoft' (onnxruntime's contrib operators). */
  readonly domain?: string;
}

/** The smallest float32 constant an int8 graph stores as float16 (see floatConstant). */
export const FLOAT16_STORAGE_MIN = 4096;

/** onnxruntime's contrib operators (DynamicQuantizeMatMul, ...), version 1 of their opset. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** An element type of a graph value: the input and outputs are float32, reduced-precision graphs hold float16 values inside. */
export type ElementType = 'float32' | 'float16';

interface NodeRecord {
  name: string;
  opType: string;
  domain: string;
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

/** float32 to IEEE 754 half precision, rounded to nearest even (what a float16 cast does). */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf, NaN
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to infinity
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    if (rest > half || (rest === half && m & 1)) m++;
    return sign | m;
  }
  let m = mantissa >>> 13;
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

function littleEndianFloat16(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, toFloat16Bits(v), true));
  return bytes;
}

/** FNV-1a over the bytes, for finding equal constants. */
function contentHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
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
  /** Initializers by content, so that equal constants (FNet's Fourier matrices in every block, shapes) are stored once. */
  private readonly byContent = new Map<string, InitializerRecord[]>();
  private readonly storageCasts = new Map<string, string>();
  private readonly valueInfos = new Map<string, { dims: readonly Dim[]; type: ElementType }>();
  private readonly usedNames = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(
    readonly opset: number,
    /** The precision the emitters write (numerics.ts); float32 by default. */
    readonly numerics: Numerics = FP32,
  ) {}

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
    const domain = options.domain ?? '';
    if (domain) this.domains.add(domain);
    this.nodes.push({ name, opType, domain, inputs: [...inputs], outputs, attributes: options.attributes ?? {}, doc: options.doc });
    return outputs;
  }

  /** A node with one output; returns its name. */
  op(opType: string, inputs: readonly string[], options: NodeOptions): string {
    return this.node(opType, inputs, { ...options, outputs: 1 })[0]!;
  }

  /**
   * The element type floatConstant writes and the converters compute in: float32, or float16 in
   * the float16 part of an fp16 graph (export-to-onnx.ts switches it per layer).
   */
  floatType: ElementType = 'float32';

  /**
   * A constant of the graph's current float type (floatType) from float32 values. In an int8
   * graph, a float32 constant of at least FLOAT16_STORAGE_MIN values (a weight int8 leaves in
   * float32: token mixing, FNet's Fourier matrices, the position table) is stored as float16 and
   * cast to float32, which onnxruntime folds once when it loads the model: half the bytes, the
   * same float32 arithmetic.
   */
  floatConstant(name: string, values: Float32Array, dims: readonly number[]): string {
    if (this.floatType === 'float16') return this.float16Constant(name, values, dims);
    if (this.numerics.precision === 'int8' && values.length >= FLOAT16_STORAGE_MIN) {
      const stored = this.float16Constant(`${name}_float16`, values, dims);
      let cast = this.storageCasts.get(stored);
      if (!cast) {
        cast = this.cast(stored, 'float32', `${name}/to_float32`);
        this.storageCasts.set(stored, cast);
      }
      return cast;
    }
    return this.float32Constant(name, values, dims);
  }

  /** Runs `emit` with floatType set to `type`, then restores it. */
  withFloatType<T>(type: ElementType, emit: () => T): T {
    const previous = this.floatType;
    this.floatType = type;
    try {
      return emit();
    } finally {
      this.floatType = previous;
    }
  }

  /** A Cast of `value` to float32 or float16. */
  cast(value: string, to: ElementType, name: string): string {
    return this.op('Cast', [value], { name, attributes: { to: attr.int(to === 'float16' ? DataType.FLOAT16 : DataType.FLOAT) } });
  }

  /** A float32 constant, whatever floatType is. */
  float32Constant(name: string, values: Float32Array, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== values.length) throw new Error(`constant ${name}: ${values.length} values do not fill dims [${dims}]`);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new NonFiniteWeightError(name, values[i]!, i);
    }
    return this.addInitializer(name, DataType.FLOAT, dims, littleEndianFloat32(values));
  }

  /** A float16 constant of float32 values, each rounded to the nearest half. */
  float16Constant(name: string, values: Float32Array, dims: readonly number[]): string {
    this.checkSize(name, values.length, dims);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new NonFiniteWeightError(name, values[i]!, i);
    }
    const raw = littleEndianFloat16(values);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) {
      if ((view.getUint16(i * 2, true) & 0x7c00) === 0x7c00) throw new Float16RangeError(name, values[i]!, i);
    }
    return this.addInitializer(name, DataType.FLOAT16, dims, raw);
  }

  /** An int8 constant (quantized weights). */
  int8Constant(name: string, values: Int8Array, dims: readonly number[]): string {
    this.checkSize(name, values.length, dims);
    return this.addInitializer(name, DataType.INT8, dims, new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  }

  /** A uint8 constant (activation zero points). */
  uint8Constant(name: string, values: Uint8Array, dims: readonly number[]): string {
    this.checkSize(name, values.length, dims);
    return this.addInitializer(name, DataType.UINT8, dims, Uint8Array.from(values));
  }

  private checkSize(name: string, length: number, dims: readonly number[]): void {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== length) throw new Error(`constant ${name}: ${length} values do not fill dims [${dims}]`);
  }

  /** Adds a constant, or returns the name of an equal one added before (same type, shape and bytes). */
  private addInitializer(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): string {
    const key = `${dataType}:${dims.join('x')}:${contentHash(raw)}`;
    const same = this.byContent.get(key)?.find((t) => t.raw.length === raw.length && t.raw.every((b, i) => b === raw[i]));
    if (same) return same.name;
    const record: InitializerRecord = { name: this.unique(name), dataType, dims: [...dims], raw };
    this.initializers.push(record);
    this.byContent.set(key, [...(this.byContent.get(key) ?? []), record]);
    return record.name;
  }

  /** An int64 constant (shapes, axes, split sizes). */
  int64Constant(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.addInitializer(name, DataType.INT64, dims, littleEndianInt64(values));
  }

  /** Records the shape (and element type, float32 unless given) of an intermediate value (written as value_info). */
  setShape(value: string, dims: readonly Dim[], type: ElementType = 'float32'): void {
    this.valueInfos.set(value, { dims, type });
  }

  /** The operator domains other than ONNX's that the graph's nodes use. */
  get usedDomains(): string[] {
    return [...this.domains].sort();
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

  /** The GraphProto fields. Inputs and outputs are float32 tensors of the given shapes. */
  toGraphProto(options: {
    name: string;
    doc: string;
    inputs: readonly { name: string; dims: readonly Dim[] }[];
    outputs: readonly { name: string; dims?: readonly Dim[] }[];
  }): Record<string, unknown> {
    const io = new Set([...options.inputs, ...options.outputs].map((v) => v.name));
    return {
      name: options.name,
      doc_string: options.doc,
      node: this.nodes.map((n) => ({
        name: n.name,
        op_type: n.opType,
        ...(n.domain ? { domain: n.domain } : {}),
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes).map(([key, value]) => attributeProto(key, value)),
        ...(n.doc ? { doc_string: n.doc } : {}),
      })),
      initializer: this.initializers.map((t) => ({ name: t.name, data_type: t.dataType, dims: t.dims, raw_data: t.raw })),
      input: options.inputs.map((v) => valueInfoProto(v.name, v.dims)),
      output: options.outputs.map((v) => valueInfoProto(v.name, v.dims)),
      value_info: [...this.valueInfos].filter(([name]) => !io.has(name)).map(([name, { dims, type }]) => valueInfoProto(name, dims, type)),
    };
  }
}

/** A float tensor's value_info; without dims, its shape is left unknown. */
function valueInfoProto(name: string, dims: readonly Dim[] | undefined, type: ElementType = 'float32'): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: type === 'float16' ? DataType.FLOAT16 : DataType.FLOAT,
        ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } : {}),
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

/** A weight whose magnitude float16 cannot hold (over 65504): the model cannot be exported in fp16. */
export class Float16RangeError extends Error {
  constructor(
    readonly constant: string,
    readonly value: number,
    readonly index: number,
  ) {
    super(`weight ${constant} holds ${value} at index ${index}, outside float16's range (+-65504)`);
  }
}
