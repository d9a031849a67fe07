/** config.pbtxt as text: every field Triton reads, the shapes without the batch, the accelerators. */
import { describe, expect, it } from 'vitest';
import { tritonModelConfig } from '@mlpx/export/src/triton/model-config.js';
import { checkTritonSettings, DEFAULT_TRITON_SETTINGS, type TritonSettings } from '@mlpx/export/src/triton/triton-settings.js';

const config = (settings: Partial<TritonSettings> = {}): string =>
  tritonModelConfig({ name: 'mixer-fashion-mnist', inputShape: [28, 28, 1], classes: 10, settings: { ...DEFAULT_TRITON_SETTINGS, ...settings } });

describe('tritonModelConfig', () => {
  it('writes the whole configuration of the defaults', () => {
    expect(config()).toBe(
      [
        '# Triton model configuration written by mlpx export (ONNX Runtime backend).',
        'name: "mixer-fashion-mnist"',
        'backend: "onnxruntime"',
        'max_batch_size: 64',
        'input [',
        '  {',
        '    name: "images"',
        '    data_type: TYPE_FP32',
        '    dims: [ 28, 28, 1 ]',
        '  }',
        ']',
        'output [',
        '  {',
        '    name: "logits"',
        '    data_type: TYPE_FP32',
        '    dims: [ 10 ]',
        '  },',
        '  {',
        '    name: "probabilities"',
        '    data_type: TYPE_FP32',
        '    dims: [ 10 ]',
        '    label_filename: "labels.txt"',
        '  }',
        ']',
        'dynamic_batching {',
        '  max_queue_delay_microseconds: 100',
        '}',
        'instance_group [',
        '  {',
        '    kind: KIND_CPU',
        '    count: 1',
        '  }',
        ']',
        '',
      ].join('\n'),
    );
  });

  it('gives the input and outputs without the batch dimension, which Triton adds', () => {
    const text = tritonModelConfig({ name: 'm', inputShape: [32, 24, 3], classes: 100, settings: DEFAULT_TRITON_SETTINGS });
    expect(text.match(/dims: \[ [^\]]* \]/g)).toEqual(['dims: [ 32, 24, 3 ]', 'dims: [ 100 ]', 'dims: [ 100 ]']);
    expect(text).not.toMatch(/-1/);
  });

  it('writes the batching and instance settings it is given', () => {
    const text = config({ maxBatchSize: 32, preferredBatchSizes: [8, 16, 32], maxQueueDelayMicroseconds: 0, instanceKind: 'gpu', instanceCount: 3 });
    expect(text).toContain('max_batch_size: 32\n');
    expect(text).toContain('dynamic_batching {\n  preferred_batch_size: [ 8, 16, 32 ]\n  max_queue_delay_microseconds: 0\n}\n');
    expect(text).toContain('instance_group [\n  {\n    kind: KIND_GPU\n    count: 3\n  }\n]\n');
    expect(text).not.toContain('optimization');
  });

  it('asks for TensorRT on GPU instances and OpenVINO on CPU instances', () => {
    expect(config({ instanceKind: 'gpu', accelerator: 'tensorrt' })).toMatch(
      /\noptimization \{\n {2}execution_accelerators \{\n {4}gpu_execution_accelerator: \[\n {6}\{\n {8}name: "tensorrt"\n {6}\}\n {4}\]\n {2}\}\n\}\n$/,
    );
    expect(config({ accelerator: 'openvino' })).toMatch(
      /\noptimization \{\n {2}execution_accelerators \{\n {4}cpu_execution_accelerator: \[\n {6}\{\n {8}name: "openvino"\n {6}\}\n {4}\]\n {2}\}\n\}\n$/,
    );
  });

  it('balances its braces and brackets', () => {
    const text = config({ instanceKind: 'gpu', accelerator: 'tensorrt', preferredBatchSizes: [4] });
    let depth = 0;
    for (const char of text.replace(/"[^"]*"/g, '')) {
      if (char === '{' || char === '[') depth++;
      if (char === '}' || char === ']') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });
});

describe('checkTritonSettings', () => {
  const check = (settings: Partial<TritonSettings>): void => checkTritonSettings({ ...DEFAULT_TRITON_SETTINGS, ...settings });
  it('accepts the defaults and the accelerators on their kind of instance', () => {
    check({});
    check({ instanceKind: 'gpu', accelerator: 'tensorrt' });
    check({ instanceKind: 'cpu', accelerator: 'openvino' });
    check({ maxBatchSize: 32, preferredBatchSizes: [8, 16, 32] });
  });
  it('refuses TensorRT on CPU instances and OpenVINO on GPU instances, naming the flags', () => {
    expect(() => check({ accelerator: 'tensorrt' })).toThrow(/--accelerator tensorrt runs on GPU instances: add --instance-kind gpu/);
    expect(() => check({ instanceKind: 'gpu', accelerator: 'openvino' })).toThrow(/--accelerator openvino runs on CPU instances: add --instance-kind cpu/);
  });
  it('refuses preferred batch sizes above the maximum or twice', () => {
    expect(() => check({ maxBatchSize: 16, preferredBatchSizes: [8, 32] })).toThrow(/--preferred-batch-sizes 8,32: 32 is larger than --max-batch-size 16/);
    expect(() => check({ preferredBatchSizes: [8, 8] })).toThrow(/names a size twice/);
  });
  it('refuses counts that are not positive integers', () => {
    expect(() => check({ maxBatchSize: 0 })).toThrow(/--max-batch-size/);
    expect(() => check({ instanceCount: 1.5 })).toThrow(/--instance-count/);
    expect(() => check({ maxQueueDelayMicroseconds: -1 })).toThrow(/--max-queue-delay-us/);
  });
});
