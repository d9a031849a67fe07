/**
 * The parts of tfjs-node's backend (NodeJSKernelBackend) and its native binding that mlpx uses:
 * the kernels called directly (kernels.ts), recording and running a step
 * graph (graph/), and what the engine reports about itself (load-tensorflow.ts). tfjs-node
 * runs every op as one eagerly executed TensorFlow kernel through `binding.executeOp(name,
 * attributes, inputIds, outputCount)`, with TensorFlow's own op names and attributes;
 * `loadSavedModel` / `runSavedModel` run a graph in a TensorFlow session
 * (TF_LoadSessionFromSavedModel, TF_SessionRun) on tensors held by the same binding.
 */
import * as tf from '@tensorflow/tfjs';

export interface OpAttribute {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** What the binding returns for each tensor it makes. */
export interface TensorMetadata {
  readonly id: number;
  readonly shape: number[];
  readonly dtype: number;
}

export interface TensorflowBinding {
  /** The TensorFlow library's version. */
  readonly TF_Version: string;
  readonly TF_FLOAT: number;
  readonly TF_INT32: number;
  readonly TF_COMPLEX64: number;
  readonly TF_ATTR_STRING: number;
  readonly TF_ATTR_INT: number;
  readonly TF_ATTR_FLOAT: number;
  readonly TF_ATTR_BOOL: number;
  readonly TF_ATTR_TYPE: number;
  readonly TF_ATTR_SHAPE: number;
  executeOp(name: string, attributes: OpAttribute[], inputIds: number[], outputCount: number): TensorMetadata[];
  createTensor(shape: number[], dtype: number | string, values: ArrayLike<number>): number;
  tensorDataSync(id: number): ArrayLike<number>;
  loadSavedModel(exportDir: string, tags: string): number;
  runSavedModel(modelId: number, inputIds: number[], inputNames: string, outputNames: string): TensorMetadata[];
  deleteSavedModel(modelId: number): void;
}

export interface TensorflowBackend {
  binding: TensorflowBinding;
  /** Whether TensorFlow placed its tensors on a GPU. */
  readonly isUsingGpuDevice?: boolean;
  getInputTensorIds(tensors: readonly tf.Tensor[]): number[];
  createOutputTensor(metadata: TensorMetadata): tf.Tensor;
  executeSingleOutput(name: string, attributes: OpAttribute[], inputs: tf.Tensor[]): tf.Tensor;
}

/** The active backend, which the caller knows to be 'tensorflow'. */
export function tensorflowBackend(): TensorflowBackend {
  return tf.backend() as unknown as TensorflowBackend;
}

/** The 'tensorflow' backend if it is registered (active or not). */
export function findTensorflowBackend(): TensorflowBackend | undefined {
  return (tf.findBackend('tensorflow') as unknown as TensorflowBackend | null) ?? undefined;
}

/** TensorFlow's DataType number for a tfjs dtype, or the number itself (the binding reports numbers). */
export function dataTypeNumber(dtype: number | string): number {
  if (typeof dtype === 'number') return dtype;
  const numbers: Record<string, number> = { float32: 1, int32: 3, complex64: 8, bool: 10 };
  const number = numbers[dtype];
  if (number === undefined) throw new Error(`no TensorFlow data type for tfjs dtype ${dtype}`);
  return number;
}
