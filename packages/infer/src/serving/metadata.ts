/**
 * The metadata bodies: the server's (name, version, the extensions it implements), a model's
 * (name, versions, platform "onnxruntime_onnx", its tensors with -1 for the batch dimension, as
 * Triton reports a model with max_batch_size > 0), a model's configuration in the JSON form of
 * Triton's model_config (only the fields mlpx serve has), and the repository index.
 */
import { INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME } from '@mlpx/core';
import type { ModelSource, ServedModel, ServedVersion } from './repository.js';

/** The extensions of Triton's that this server implements, by Triton's names for them. */
const EXTENSIONS = ['binary_tensor_data', 'classification', 'model_configuration', 'statistics'] as const;
const PLATFORM = 'onnxruntime_onnx';

export function serverMetadata(version: string): string {
  return JSON.stringify({ name: 'mlpx', version, extensions: EXTENSIONS });
}

/** `versions`: the one asked for (versioned), or every version served, as Triton lists them. */
export function modelMetadata(model: ServedModel, version: ServedVersion, { versioned }: { readonly versioned: boolean }): string {
  const [height, width, channels] = version.inputShape;
  return JSON.stringify({
    name: model.name,
    versions: versioned ? [version.version] : model.versions.map((v) => v.version),
    platform: PLATFORM,
    inputs: [{ name: INPUT_NAME, datatype: 'FP32', shape: [-1, height, width, channels] }],
    outputs: [LOGITS_NAME, PROBABILITIES_NAME].map((name) => ({ name, datatype: 'FP32', shape: [-1, version.classes] })),
  });
}

export function modelConfig(version: ServedVersion): string {
  const { batching } = version;
  const batched = Number.isFinite(batching.maxBatchSize);
  const batchDim = batched ? [] : [-1];
  return JSON.stringify({
    name: version.model,
    platform: PLATFORM,
    backend: 'onnxruntime',
    version_policy: { all: {} },
    max_batch_size: batched ? batching.maxBatchSize : 0,
    input: [{ name: INPUT_NAME, data_type: 'TYPE_FP32', format: 'FORMAT_NONE', dims: [...batchDim, ...version.inputShape] }],
    output: [LOGITS_NAME, PROBABILITIES_NAME].map((name) => ({
      name,
      data_type: 'TYPE_FP32',
      dims: [...batchDim, version.classes],
      label_filename: version.outputLabels.has(name) ? 'labels.txt' : '',
    })),
    ...(batching.gather && batched ? { dynamic_batching: { max_queue_delay_microseconds: batching.maxQueueDelayMicroseconds } } : {}),
    default_model_filename: 'model.onnx',
  });
}

export function repositoryIndex(source: ModelSource): string {
  return JSON.stringify(source.models.flatMap((model) => model.versions.map((v) => ({ name: model.name, version: v.version, state: 'READY' }))));
}
