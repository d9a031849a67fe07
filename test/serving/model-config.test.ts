/**
 * The config.pbtxt reader: the fields mlpx serve takes (name, max_batch_size, dynamic_batching's
 * max_queue_delay_microseconds, each output's label_filename) from the text format in its forms,
 * everything else parsed and ignored, and a mistake named with its file and line.
 */
import { describe, expect, it } from 'vitest';
import { parseModelConfig, parseTextProto } from '@mlpx/infer/src/serving/model-config.js';

const EXPORTED = `# Triton model configuration written by mlpx export (ONNX Runtime backend).
name: "fashion"
backend: "onnxruntime"
max_batch_size: 64
input [
  {
    name: "images"
    data_type: TYPE_FP32
    dims: [ 28, 28, 1 ]
  }
]
output [
  {
    name: "logits"
    data_type: TYPE_FP32
    dims: [ 10 ]
  },
  {
    name: "probabilities"
    data_type: TYPE_FP32
    dims: [ 10 ]
    label_filename: "labels.txt"
  }
]
dynamic_batching {
  preferred_batch_size: [ 8, 32 ]
  max_queue_delay_microseconds: 100
}
instance_group [
  {
    kind: KIND_CPU
    count: 1
  }
]
optimization {
  execution_accelerators {
    cpu_execution_accelerator: [
      {
        name: "openvino"
      }
    ]
  }
}
`;

describe('config.pbtxt', () => {
  it('reads what mlpx export --triton writes', () => {
    const config = parseModelConfig(EXPORTED, 'config.pbtxt');
    expect(config.name).toBe('fashion');
    expect(config.maxBatchSize).toBe(64);
    expect(config.dynamicBatching).toEqual({ maxQueueDelayMicroseconds: 100 });
    expect([...config.labelFiles]).toEqual([['probabilities', 'labels.txt']]);
  });

  it('takes the text format in its other spellings', () => {
    const config = parseModelConfig(
      `name: 'm' ; max_batch_size: 16, dynamic_batching: < max_queue_delay_microseconds: 7 >
       output: { name: "a" "b" label_filename: "l\\"1.txt" }
       output { name: "c" }
       parameters { key: "x" value: { string_value: "1e-3" } } ratio: -1.5e-3 flag: true # a comment`,
      'c',
    );
    expect(config).toEqual({ name: 'm', maxBatchSize: 16, dynamicBatching: { maxQueueDelayMicroseconds: 7 }, labelFiles: new Map([['ab', 'l"1.txt']]) });
  });

  it('takes a config with none of the fields, and an empty one', () => {
    expect(parseModelConfig('platform: "onnxruntime_onnx"\n', 'c')).toEqual({
      name: undefined,
      maxBatchSize: undefined,
      dynamicBatching: undefined,
      labelFiles: new Map(),
    });
    expect(parseModelConfig('', 'c').maxBatchSize).toBeUndefined();
    expect(parseModelConfig('dynamic_batching { }', 'c').dynamicBatching).toEqual({ maxQueueDelayMicroseconds: 0 });
  });

  it('parses nested messages and lists into fields and values', () => {
    const parsed = parseTextProto('a: 1 a: 2 b { c: [3, 4] d: X }', 'f');
    expect(parsed.get('a')!.map((v) => (v instanceof Map ? 'message' : v.text))).toEqual(['1', '2']);
    const b = parsed.get('b')![0] as Map<string, { text: string }[]>;
    expect(b.get('c')!.map((v) => v.text)).toEqual(['3', '4']);
    expect(b.get('d')![0]!.text).toBe('X');
  });

  it.each([
    ['max_batch_size: -1', /c:1: max_batch_size must be a whole number >= 0, not '-1'/],
    ['max_batch_size: 1.5', /c:1: max_batch_size must be a whole number >= 0, not '1\.5'/],
    ['max_batch_size: "8"', /c:1: max_batch_size must be a whole number >= 0, not '8'/],
    ['max_batch_size: 8\nmax_batch_size: 9', /c: max_batch_size is given 2 times/],
    ['dynamic_batching: 5', /c:1: dynamic_batching must be a block/],
    ['dynamic_batching { max_queue_delay_microseconds: -3 }', /c:1: max_queue_delay_microseconds must be a whole number >= 0, not '-3'/],
    ['name: fashion', /c:1: name must be a quoted string/],
    ['output: [ 5 ]', /c:1: output must be a block/],
    ['output [\n  { name: "a" }\n  { name: "b" }\n]', /c:3: expected ',' or ']' in the list of output/],
    ['\n\ninput [\n  {\n    name: "x"\n', /c:5: expected '}' before the end of the file/],
    ['name: "unclosed\n', /c:1: a string is not closed before the end of the line/],
    ['name "x"', /c:1: expected ':' or '{' after a field name/],
    ['{ name: "x" }', /c:1: expected a field name, found '\{'/],
    ['max_batch_size: ', /c:1: expected a value, found the end of the file/],
    ['name: "x" @', /c:1: unexpected character '@'/],
  ])('refuses %j, naming the line', (text, message) => {
    expect(() => parseModelConfig(text, 'c')).toThrow(message);
  });

  it('refuses a hexadecimal max_batch_size (Triton writes decimal)', () => {
    expect(() => parseModelConfig('max_batch_size: 0x10', 'c')).toThrow(/max_batch_size must be a whole number >= 0, not '0x10'/);
  });
});
