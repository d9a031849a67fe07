/**
 * config.pbtxt: the Triton model configuration (ModelConfig of Triton's model_config.proto, in
 * protobuf text format) of an exported model, for the ONNX Runtime backend. The shapes leave out
 * the batch dimension, which Triton adds in front when max_batch_size > 0: the graph's
 * images [batch, H, W, C] is dims [H, W, C], its logits and probabilities [batch, classes] are
 * dims [classes]. probabilities names labels.txt, which Triton's classification extension reads.
 */
import { INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME } from '@mlpx/core';
import type { TritonSettings } from './triton-settings.js';

export const CONFIG_FILE = 'config.pbtxt';
export const LABELS_FILE = 'labels.txt';
/** The file the ONNX Runtime backend loads from a version folder unless default_model_filename says otherwise. */
export const MODEL_FILE = 'model.onnx';

export interface ModelConfigOptions {
  readonly name: string;
  /** [height, width, channels] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly settings: TritonSettings;
}

const list = (values: readonly number[]): string => `[ ${values.join(', ')} ]`;

function tensor(name: string, dims: readonly number[], labels?: string): string[] {
  return [
    '  {',
    `    name: ${JSON.stringify(name)}`,
    '    data_type: TYPE_FP32',
    `    dims: ${list(dims)}`,
    ...(labels ? [`    label_filename: ${JSON.stringify(labels)}`] : []),
    '  }',
  ];
}

function accelerator(settings: TritonSettings): string[] {
  if (settings.accelerator === 'none') return [];
  const field = settings.accelerator === 'tensorrt' ? 'gpu_execution_accelerator' : 'cpu_execution_accelerator';
  return [
    'optimization {',
    '  execution_accelerators {',
    `    ${field}: [`,
    '      {',
    `        name: ${JSON.stringify(settings.accelerator)}`,
    '      }',
    '    ]',
    '  }',
    '}',
  ];
}

/** The text of config.pbtxt, ending in a newline. */
export function tritonModelConfig(options: ModelConfigOptions): string {
  const { settings } = options;
  const [logits, probabilities] = [tensor(LOGITS_NAME, [options.classes]), tensor(PROBABILITIES_NAME, [options.classes], LABELS_FILE)];
  const lines = [
    '# Triton model configuration written by mlpx export (ONNX Runtime backend).',
    `name: ${JSON.stringify(options.name)}`,
    'backend: "onnxruntime"',
    `max_batch_size: ${settings.maxBatchSize}`,
    'input [',
    ...tensor(INPUT_NAME, options.inputShape),
    ']',
    'output [',
    ...logits.slice(0, -1),
    '  },',
    ...probabilities,
    ']',
    'dynamic_batching {',
    ...(settings.preferredBatchSizes.length > 0 ? [`  preferred_batch_size: ${list(settings.preferredBatchSizes)}`] : []),
    `  max_queue_delay_microseconds: ${settings.maxQueueDelayMicroseconds}`,
    '}',
    'instance_group [',
    '  {',
    `    kind: ${settings.instanceKind === 'gpu' ? 'KIND_GPU' : 'KIND_CPU'}`,
    `    count: ${settings.instanceCount}`,
    '  }',
    ']',
    ...accelerator(settings),
  ];
  return `${lines.join('\n')}\n`;
}
