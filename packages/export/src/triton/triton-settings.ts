/**
 * How Triton should run an exported model: batching, where its instances run, and the ONNX
 * Runtime execution accelerator. These are the choices config.pbtxt records beyond what the model
 * itself says (its input and output shapes and labels).
 */
import { MlpxError } from '@mlpx/core';

export type InstanceKind = 'cpu' | 'gpu';
export type TritonAccelerator = 'none' | 'tensorrt' | 'openvino';

export interface TritonSettings {
  /** The largest batch Triton may send the model (max_batch_size); requests are batched up to it. */
  readonly maxBatchSize: number;
  /** Batch sizes the dynamic batcher tries to form (preferred_batch_size); none: as large as it can. */
  readonly preferredBatchSizes: readonly number[];
  /** How long a request may wait for others to join its batch (max_queue_delay_microseconds). */
  readonly maxQueueDelayMicroseconds: number;
  /** KIND_CPU or KIND_GPU instances. */
  readonly instanceKind: InstanceKind;
  /** Instances (on each GPU, for gpu). */
  readonly instanceCount: number;
  /** TensorRT needs GPU instances, OpenVINO CPU instances. */
  readonly accelerator: TritonAccelerator;
}

export const DEFAULT_TRITON_SETTINGS: TritonSettings = {
  maxBatchSize: 64,
  preferredBatchSizes: [],
  maxQueueDelayMicroseconds: 100,
  instanceKind: 'cpu',
  instanceCount: 1,
  accelerator: 'none',
};

const ACCELERATOR_KIND: Record<Exclude<TritonAccelerator, 'none'>, InstanceKind> = { tensorrt: 'gpu', openvino: 'cpu' };

/** Throws, naming the flag, when the settings cannot make a configuration Triton loads. */
export function checkTritonSettings(settings: TritonSettings): void {
  const positive = (n: number): boolean => Number.isSafeInteger(n) && n >= 1;
  if (!positive(settings.maxBatchSize)) throw new MlpxError(`--max-batch-size must be a positive integer (got ${settings.maxBatchSize})`);
  if (!positive(settings.instanceCount)) throw new MlpxError(`--instance-count must be a positive integer (got ${settings.instanceCount})`);
  if (!Number.isSafeInteger(settings.maxQueueDelayMicroseconds) || settings.maxQueueDelayMicroseconds < 0) {
    throw new MlpxError(`--max-queue-delay-us must be an integer >= 0 (got ${settings.maxQueueDelayMicroseconds})`);
  }
  for (const size of settings.preferredBatchSizes) {
    if (!positive(size)) throw new MlpxError(`--preferred-batch-sizes must be positive integers (got ${size})`);
    if (size > settings.maxBatchSize)
      throw new MlpxError(
        `--preferred-batch-sizes ${settings.preferredBatchSizes.join(',')}: ${size} is larger than --max-batch-size ${settings.maxBatchSize}`,
      );
  }
  if (new Set(settings.preferredBatchSizes).size !== settings.preferredBatchSizes.length) {
    throw new MlpxError(`--preferred-batch-sizes ${settings.preferredBatchSizes.join(',')} names a size twice`);
  }
  if (settings.accelerator !== 'none') {
    const kind = ACCELERATOR_KIND[settings.accelerator];
    if (settings.instanceKind !== kind) {
      throw new MlpxError(
        `--accelerator ${settings.accelerator} runs on ${kind.toUpperCase()} instances: add --instance-kind ${kind}, or leave out --accelerator (--instance-kind is ${settings.instanceKind})`,
      );
    }
  }
}
