/**
 * The tensors a checkpoint stores, and where each goes back: one table of kinds (TENSOR_KINDS),
 * each with the tensors of its kind in a checkpoint and the place a read tensor of its kind takes.
 * A tensor's name in checkpoint.json is its kind, or `kind:key` for the kinds with many tensors
 * (`weight:mixer_block_0/norm/gamma`, `adam_m:3`). The binary layout (little-endian float32 and
 * int32, one after another) is packTensors' and unpackTensors'.
 */
import type { FitState } from '../fit/fit.js';

/** The model weights, by name, as the checkpoint stores them. */
export type NamedWeights = ReadonlyMap<string, { values: Float32Array; shape: readonly number[] }>;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  /** Byte offset in the binary file. */
  readonly offset: number;
}

/** A tensor as stored: its name in the table, its values and shape. */
export interface StoredTensor {
  readonly name: string;
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/** What the tensors of a checkpoint hold, gathered back by kind. */
export interface ReadTensors {
  readonly weights: Map<string, { values: Float32Array; shape: readonly number[] }>;
  readonly m: (Float32Array | undefined)[];
  readonly v: (Float32Array | undefined)[];
  readonly best: Float32Array[];
  order: Int32Array | undefined;
}

interface TensorKind {
  /** The tensors of this kind in a checkpoint, each under its key (none for a kind of one tensor). */
  readonly stored: (weights: NamedWeights, state: FitState) => { key?: string; data: Float32Array | Int32Array; shape?: readonly number[] }[];
  /** Puts a read tensor of this kind back where it belongs. */
  readonly place: (into: ReadTensors, key: string, data: Float32Array | Int32Array, shape: readonly number[]) => void;
}

const byIndex = (arrays: readonly (Float32Array | undefined)[] | undefined): { key: string; data: Float32Array }[] =>
  (arrays ?? []).flatMap((data, i) => (data ? [{ key: String(i), data }] : []));

const TENSOR_KINDS = {
  weight: {
    stored: (weights) => [...weights].map(([key, weight]) => ({ key, data: weight.values, shape: weight.shape })),
    place: (into, key, data, shape) => void into.weights.set(key, { values: data as Float32Array, shape }),
  },
  adam_m: { stored: (_, state) => byIndex(state.optimizer.m), place: (into, key, data) => void (into.m[Number(key)] = data as Float32Array) },
  adam_v: { stored: (_, state) => byIndex(state.optimizer.v), place: (into, key, data) => void (into.v[Number(key)] = data as Float32Array) },
  best: { stored: (_, state) => byIndex(state.bestWeights), place: (into, key, data) => void (into.best[Number(key)] = data as Float32Array) },
  /** The shuffle order of an epoch in progress. */
  order: {
    stored: (_, state) => (state.inProgress ? [{ data: state.inProgress.order }] : []),
    place: (into, _key, data) => void (into.order = data as Int32Array),
  },
} satisfies Record<string, TensorKind>;

/** Every tensor the checkpoint of these weights and this state stores, in the table's order. */
export function storedTensors(weights: NamedWeights, state: FitState): StoredTensor[] {
  return Object.entries(TENSOR_KINDS as Record<string, TensorKind>).flatMap(([kind, { stored }]) =>
    stored(weights, state).map(({ key, data, shape }) => ({ name: key === undefined ? kind : `${kind}:${key}`, data, shape: shape ?? [data.length] })),
  );
}

/** The tensors' bytes, one after another, and the table that says where each is. */
export function packTensors(tensors: readonly StoredTensor[]): { binary: Uint8Array; entries: TensorEntry[] } {
  const binary = new Uint8Array(tensors.reduce((sum, t) => sum + t.data.length * 4, 0));
  const view = new DataView(binary.buffer);
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const float = tensor.data instanceof Float32Array;
    entries.push({ name: tensor.name, dtype: float ? 'float32' : 'int32', shape: tensor.shape, offset });
    tensor.data.forEach((value, i) => (float ? view.setFloat32(offset + i * 4, value, true) : view.setInt32(offset + i * 4, value, true)));
    offset += tensor.data.length * 4;
  }
  return { binary, entries };
}

/** The errors for a bad table entry and for bad binary data. */
export interface TensorProblems {
  inTable(what: string): Error;
  inBinary(what: string): Error;
}

/**
 * Reads every entry of the table from the binary and puts it back by kind. `problems` makes the
 * error for a bad entry: one of no known kind (the table's), one outside the file (the binary's).
 */
export function unpackTensors(entries: readonly TensorEntry[], binary: Uint8Array, variables: number, problems: TensorProblems): ReadTensors {
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  const into: ReadTensors = {
    weights: new Map(),
    m: Array.from({ length: variables }, () => undefined),
    v: Array.from({ length: variables }, () => undefined),
    best: [],
    order: undefined,
  };
  for (const entry of entries) {
    const colon = entry.name.indexOf(':');
    const [kind, key] = colon < 0 ? [entry.name, ''] : [entry.name.slice(0, colon), entry.name.slice(colon + 1)];
    const known = Object.hasOwn(TENSOR_KINDS, kind) ? TENSOR_KINDS[kind as keyof typeof TENSOR_KINDS] : undefined;
    if (!known) throw problems.inTable(`unknown tensor ${entry.name}`);
    known.place(into, key, readTensor(entry, view, problems), entry.shape);
  }
  return into;
}

function readTensor(entry: TensorEntry, view: DataView, problems: TensorProblems): Float32Array | Int32Array {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(count) || count < 0 || entry.offset < 0 || entry.offset + count * 4 > view.byteLength) {
    throw problems.inBinary(`tensor ${entry.name} lies outside the file`);
  }
  const int = entry.dtype === 'int32';
  const out = int ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = int ? view.getInt32(entry.offset + i * 4, true) : view.getFloat32(entry.offset + i * 4, true);
  return out;
}
