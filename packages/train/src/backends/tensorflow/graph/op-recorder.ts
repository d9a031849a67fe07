/**
 * Records the TensorFlow kernels a piece of tfjs code runs, as a TensorFlow graph: while
 * `record(run)` runs, every kernel tfjs-node executes is executed as usual and also written down
 * as a NodeDef with its op name and attributes (tfjs-node passes TensorFlow's own), its inputs
 * named by the nodes that made them. A tensor an op reads that no recorded op made is either a
 * declared input (`feed`: a Placeholder) or a constant: its values are read and written into the
 * graph (Const), which is right for what does not change between steps (scalars, index tables,
 * the Fourier matrices) and wrong for anything else; what changes must be fed.
 *
 * Reading a tensor back to the host while recording is refused: host code computing on the
 * step's values would be frozen into the graph as constants.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AttrValue, NodeDef, TensorShapeProto } from './saved-model-proto.js';
import { dataTypeNumber, type OpAttribute, type TensorflowBackend, type TensorflowBinding, type TensorMetadata } from '../tfjs-node-backend.js';

interface TensorSummary {
  readonly shape: readonly number[];
  readonly dtype: number | string;
}

function shapeProto(shape: readonly number[]): TensorShapeProto {
  return { dim: shape.map((size) => ({ size })) };
}

function bytesOf(values: ArrayLike<number>): Uint8Array {
  if (!ArrayBuffer.isView(values)) throw new Error('a constant of the recorded step is not a typed array');
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

function attrValue(attribute: OpAttribute, binding: TensorflowBinding): AttrValue {
  const { type, value } = attribute;
  const list = Array.isArray(value);
  switch (type) {
    case binding.TF_ATTR_STRING:
      return { s: new TextEncoder().encode(String(value)) };
    case binding.TF_ATTR_INT:
      return list ? { list: { i: value as number[] } } : { i: value as number };
    case binding.TF_ATTR_FLOAT:
      return list ? { list: { f: value as number[] } } : { f: value as number };
    case binding.TF_ATTR_BOOL:
      return list ? { list: { b: value as boolean[] } } : { b: value as boolean };
    case binding.TF_ATTR_TYPE:
      return { type: value as number };
    case binding.TF_ATTR_SHAPE:
      return { shape: shapeProto(value as number[]) };
    default:
      throw new Error(`attribute ${attribute.name} has a type (${type}) the graph recorder does not know`);
  }
}

export class OpRecorder {
  readonly nodes: NodeDef[] = [];
  /** The graph's name of each tensor the binding holds that the graph has (by the binding's id). */
  private readonly names = new Map<number, string>();
  /** Shape and type of tensors seen as op inputs or outputs, for the constants read from them. */
  private readonly summaries = new Map<number, TensorSummary>();
  private counter = 0;
  private recording = false;

  constructor(private readonly backend: TensorflowBackend) {}

  /** Declares `tensor` an input of the graph, a Placeholder named `name`. */
  feed(tensor: tf.Tensor, name: string): void {
    const id = this.idOf(tensor);
    if (this.names.has(id)) throw new Error(`${name}: this tensor is already in the graph as ${this.names.get(id)}`);
    this.names.set(id, name);
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: dataTypeNumber(tensor.dtype) }, shape: { shape: shapeProto(tensor.shape) } } });
  }

  /** The graph's name for a tensor that `record` made or that was fed. */
  nameOf(tensor: tf.Tensor): string {
    const name = this.names.get(this.idOf(tensor));
    if (name === undefined) throw new Error(`a tensor of shape [${tensor.shape.join(', ')}] is not in the recorded graph`);
    return name;
  }

  /** Runs `run` with every kernel it executes recorded. */
  record<T>(run: () => T): T {
    if (this.recording) throw new Error('already recording');
    const backend = this.backend;
    const real = backend.binding;
    const recorder = Object.create(null) as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(real)) {
      const value = (real as unknown as Record<string, unknown>)[key];
      recorder[key] = typeof value === 'function' ? value.bind(real) : value;
    }
    recorder['executeOp'] = (op: string, attributes: OpAttribute[], inputIds: number[], outputCount: number): TensorMetadata[] => {
      const input = inputIds.map((id) => this.inputName(id, real));
      const outputs = real.executeOp(op, attributes, inputIds, outputCount);
      const name = `${op}_${this.counter++}`;
      const attr: Record<string, AttrValue> = {};
      for (const attribute of attributes) attr[attribute.name] = attrValue(attribute, real);
      this.nodes.push({ name, op, input, attr });
      outputs.forEach((output, k) => {
        this.names.set(output.id, k === 0 ? name : `${name}:${k}`);
        this.summaries.set(output.id, { shape: output.shape, dtype: output.dtype });
      });
      return outputs;
    };
    recorder['tensorDataSync'] = (id: number): never => {
      throw new Error(`the training step read a tensor (binding id ${id}) back to the host while being recorded; a graph cannot hold host computation`);
    };
    // The shapes of tensors made before recording, learnt as tfjs hands them to an op.
    const ownIds = Object.getOwnPropertyDescriptor(backend, 'getInputTensorIds');
    const getInputTensorIds = backend.getInputTensorIds.bind(backend);
    backend.getInputTensorIds = (tensors) => {
      const ids = getInputTensorIds(tensors);
      tensors.forEach((tensor, i) => {
        if (!this.summaries.has(ids[i]!)) this.summaries.set(ids[i]!, { shape: tensor.shape, dtype: tensor.dtype });
      });
      return ids;
    };
    backend.binding = recorder as unknown as TensorflowBinding;
    this.recording = true;
    try {
      return run();
    } finally {
      this.recording = false;
      backend.binding = real;
      if (ownIds) Object.defineProperty(backend, 'getInputTensorIds', ownIds);
      else delete (backend as { getInputTensorIds?: unknown }).getInputTensorIds;
    }
  }

  /** Adds an Identity of `tensor` named `name` (a graph output that must have a name of its own). */
  identity(tensor: tf.Tensor, name: string): string {
    this.nodes.push({ name, op: 'Identity', input: [this.nameOf(tensor)], attr: { T: { type: dataTypeNumber(tensor.dtype) } } });
    return name;
  }

  private idOf(tensor: tf.Tensor): number {
    return this.backend.getInputTensorIds([tensor])[0]!;
  }

  /** The name of an op's input: a recorded op's output, a fed tensor, or a new constant. */
  private inputName(id: number, binding: TensorflowBinding): string {
    const known = this.names.get(id);
    if (known !== undefined) return known;
    const summary = this.summaries.get(id);
    if (!summary) throw new Error(`the recorded step used a tensor (binding id ${id}) whose shape is unknown`);
    const dtype = dataTypeNumber(summary.dtype);
    const name = `Const_${this.counter++}`;
    const tensor = { dtype, tensor_shape: shapeProto(summary.shape), tensor_content: bytesOf(binding.tensorDataSync(id)) };
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: dtype }, value: { tensor } } });
    this.names.set(id, name);
    return name;
  }
}
