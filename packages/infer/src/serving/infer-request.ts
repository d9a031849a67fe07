/**
 * An inference request's JSON object, checked against the model it asks for: one input `images`,
 * FP32, shape [batch, height, width, channels], its data either in `data` (a flat or nested JSON
 * array, row-major) or, with the binary tensor data extension, as `parameters.binary_data_size`
 * bytes after the JSON; the requested `outputs` with their `binary_data` and `classification`
 * parameters; the request's `id`; and `parameters.binary_data_output`.
 *
 * Every refusal is a 400 whose message names the field and what is wrong with it, worded as
 * Triton words it where Triton has a message for the same case.
 */
import { INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME } from '@mlpx/core';
import { badRequest, shown } from './protocol-error.js';
import type { ServedVersion } from './repository.js';

export type OutputName = typeof LOGITS_NAME | typeof PROBABILITIES_NAME;
const OUTPUT_NAMES: readonly OutputName[] = [LOGITS_NAME, PROBABILITIES_NAME];

export interface RequestedOutput {
  readonly name: OutputName;
  readonly binary: boolean;
  /** 0: the tensor itself; K > 0: the top K as classification strings. */
  readonly classification: number;
}

export interface InferRequest {
  readonly id: string | undefined;
  /** The images, as float32 values (JSON data) or their little-endian bytes (binary data). */
  readonly images: Float32Array | Uint8Array;
  readonly batch: number;
  readonly outputs: readonly RequestedOutput[];
}

const MAX_NESTING = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const dims = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** Copies `data` (nested arrays of numbers) into `out` in row-major order; returns how many values it held. */
function flatten(data: readonly unknown[], out: Float32Array, input: string): number {
  let count = 0;
  const walk = (values: readonly unknown[], depth: number): void => {
    if (depth > MAX_NESTING) throw badRequest(`input '${input}': data is nested deeper than ${MAX_NESTING} levels`);
    for (const value of values) {
      if (typeof value === 'number') {
        if (count < out.length) out[count] = value;
        count++;
      } else if (Array.isArray(value)) {
        walk(value, depth + 1);
      } else {
        throw badRequest(`input '${input}': data[${count}] is ${shown(value)}, not a number (FP32 data is JSON numbers)`);
      }
    }
  };
  walk(data, 0);
  return count;
}

/** The outputs requested (both, when `outputs` is left out), each binary unless it says otherwise when `binaryByDefault`. */
function readOutputs(request: Record<string, unknown>, model: ServedVersion, { binaryByDefault }: { readonly binaryByDefault: boolean }): RequestedOutput[] {
  const requested = request['outputs'];
  if (requested === undefined) return OUTPUT_NAMES.map((name) => ({ name, binary: binaryByDefault, classification: 0 }));
  if (!Array.isArray(requested)) throw badRequest(`'outputs' must be an array of {"name": ...} objects, got ${shown(requested)}`);
  const outputs: RequestedOutput[] = [];
  requested.forEach((output: unknown, i) => {
    if (!isObject(output)) throw badRequest(`outputs[${i}] must be an object with a "name", got ${shown(output)}`);
    const name = output['name'];
    if (typeof name !== 'string') throw badRequest(`outputs[${i}].name must be a string, got ${shown(name)}`);
    if (!(OUTPUT_NAMES as readonly string[]).includes(name)) {
      throw badRequest(
        `unexpected inference output '${name}' for model '${model.model}' (outputs[${i}].name): its outputs are '${LOGITS_NAME}' and '${PROBABILITIES_NAME}'`,
      );
    }
    if (outputs.some((o) => o.name === name)) throw badRequest(`output '${name}' is requested twice (outputs[${i}])`);
    const parameters = output['parameters'] ?? {};
    if (!isObject(parameters)) throw badRequest(`outputs[${i}].parameters must be an object, got ${shown(parameters)}`);
    if ('shared_memory_region' in parameters)
      throw badRequest(
        `output '${name}': shared memory (parameters.shared_memory_region) is not supported by mlpx serve; leave it out to get the data in the response`,
      );
    const binary = parameters['binary_data'] ?? binaryByDefault;
    if (typeof binary !== 'boolean') throw badRequest(`output '${name}': parameters.binary_data must be true or false, got ${shown(binary)}`);
    const classification = parameters['classification'] ?? 0;
    if (typeof classification !== 'number' || !Number.isSafeInteger(classification) || classification < 0) {
      throw badRequest(`output '${name}': parameters.classification must be a whole number of classes >= 0, got ${shown(classification)}`);
    }
    outputs.push({ name: name as OutputName, binary, classification });
  });
  return outputs;
}

/** The body's bytes after the JSON, and whether the request gave Inference-Header-Content-Length. */
export interface BinaryPart {
  readonly binary: Uint8Array;
  readonly hasHeaderLength: boolean;
}

/** An input tensor's images, and how many bytes of the binary part it took. */
interface InputImages {
  readonly images: Float32Array | Uint8Array;
  readonly binaryBytes: number;
}

/** The request's `id` and `parameters.binary_data_output`. */
function readRequestFields(request: Record<string, unknown>): { id: string | undefined; binaryOutput: boolean } {
  const id = request['id'];
  if (id !== undefined && typeof id !== 'string') throw badRequest(`'id' must be a string, got ${shown(id)}`);
  const parameters = request['parameters'] ?? {};
  if (!isObject(parameters)) throw badRequest(`'parameters' must be an object, got ${shown(parameters)}`);
  const binaryOutput = parameters['binary_data_output'] ?? false;
  if (typeof binaryOutput !== 'boolean') throw badRequest(`parameters.binary_data_output must be true or false, got ${shown(binaryOutput)}`);
  return { id, binaryOutput };
}

/** The request's `inputs`, an array of at least one. */
function readInputList(request: Record<string, unknown>, model: ServedVersion): unknown[] {
  const inputs = request['inputs'];
  if (!Array.isArray(inputs)) throw badRequest(`'inputs' must be an array of input tensors, got ${inputs === undefined ? 'nothing' : shown(inputs)}`);
  if (inputs.length === 0)
    throw badRequest(`expected 1 inputs but got 0 inputs for model '${model.model}' ('inputs' is empty; the model takes '${INPUT_NAME}')`);
  return inputs;
}

/** inputs[i] as an object, and its name, which must be the model's input's. */
function readInputName(input: unknown, i: number, model: ServedVersion): { fields: Record<string, unknown>; name: string } {
  if (!isObject(input)) throw badRequest(`inputs[${i}] must be an object with name, shape, datatype and data, got ${shown(input)}`);
  const name = input['name'];
  if (typeof name !== 'string') throw badRequest(`inputs[${i}].name must be a string, got ${shown(name)}`);
  if (name !== INPUT_NAME)
    throw badRequest(`unexpected inference input '${name}' for model '${model.model}' (inputs[${i}].name): its input is '${INPUT_NAME}'`);
  return { fields: input, name };
}

/** The input's datatype (FP32) and shape ([batch, height, width, channels] of the model, batch from 1 to its max_batch_size). */
function readInputShape(input: Record<string, unknown>, name: string, i: number, model: ServedVersion): number[] {
  const datatype = input['datatype'];
  if (typeof datatype !== 'string') throw badRequest(`inputs[${i}].datatype must be a string such as "FP32", got ${shown(datatype)}`);
  if (datatype !== 'FP32')
    throw badRequest(`inference input '${name}' data-type is '${datatype}', but model '${model.model}' expects 'FP32' (inputs[${i}].datatype)`);
  const shape = input['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw badRequest(`inputs[${i}].shape must be an array of whole numbers >= 0, got ${shown(shape)}`);
  }
  const dimsGiven = shape as number[];
  const [height, width, channels] = model.inputShape;
  if (dimsGiven.length !== 4 || dimsGiven[1] !== height || dimsGiven[2] !== width || dimsGiven[3] !== channels) {
    throw badRequest(
      `unexpected shape for input '${name}' for model '${model.model}'. Expected ${dims([-1, height, width, channels])}, got ${dims(dimsGiven)} (inputs[${i}].shape)`,
    );
  }
  const batch = dimsGiven[0]!;
  if (batch === 0) throw badRequest(`input '${name}' has batch size 0 (inputs[${i}].shape[0]): send at least one image`);
  if (batch > model.batching.maxBatchSize) {
    throw badRequest(`inference request batch-size must be <= ${model.batching.maxBatchSize} for '${model.model}' (inputs[${i}].shape[0] is ${batch})`);
  }
  return dimsGiven;
}

/** Where the input's data is: in the JSON (`data`) or in the binary part (`parameters.binary_data_size`), never both. */
function readDataPlace(input: Record<string, unknown>, name: string, i: number): { binary: boolean; parameters: Record<string, unknown> } {
  const parameters = input['parameters'] ?? {};
  if (!isObject(parameters)) throw badRequest(`inputs[${i}].parameters must be an object, got ${shown(parameters)}`);
  const hasData = 'data' in input;
  const hasBinary = 'binary_data_size' in parameters;
  if ('shared_memory_region' in parameters) {
    throw badRequest(`input '${name}': shared memory (parameters.shared_memory_region) is not supported by mlpx serve; send the data in the body`);
  }
  if (hasData === hasBinary) {
    throw badRequest(`input '${name}' must set only one of 'data' and 'binary_data_size' in 'parameters', but ${hasData ? 'set both' : 'set neither'}`);
  }
  return { binary: hasBinary, parameters };
}

/** The input's images from the binary part, `offset` bytes into it: parameters.binary_data_size bytes, 4 per value of `shape`. */
function binaryImages(
  parameters: Record<string, unknown>,
  name: string,
  shape: readonly number[],
  body: BinaryPart,
  offset: number,
  model: ServedVersion,
): InputImages {
  const { binary } = body;
  const values = shape.reduce((a, b) => a * b, 1);
  const size = parameters['binary_data_size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw badRequest(`input '${name}': parameters.binary_data_size must be a whole number of bytes, got ${shown(size)}`);
  }
  if (!body.hasHeaderLength) {
    throw badRequest(
      `input '${name}' has parameters.binary_data_size, but the request has no Inference-Header-Content-Length header giving the length of its JSON`,
    );
  }
  if (size !== values * 4) {
    throw badRequest(
      `input byte size mismatch for input '${name}' for model '${model.model}'. Expected ${values * 4}, got ${size} (parameters.binary_data_size for shape ${dims(shape)} of FP32)`,
    );
  }
  if (offset + size > binary.length) {
    throw badRequest(
      `unexpected size for input '${name}', expecting ${offset + size - binary.length} additional bytes for model '${model.model}' (the body ends ${binary.length - offset} bytes into its binary data)`,
    );
  }
  return { images: binary.subarray(offset, offset + size), binaryBytes: size };
}

/** The input's images from its JSON `data`, which must hold exactly the values of `shape`. */
function jsonImages(input: Record<string, unknown>, name: string, shape: readonly number[]): InputImages {
  const values = shape.reduce((a, b) => a * b, 1);
  const data = input['data'];
  if (!Array.isArray(data)) throw badRequest(`input '${name}': data must be an array of numbers (flat or nested), got ${shown(data)}`);
  const pixels = new Float32Array(values);
  const count = flatten(data, pixels, name);
  if (count !== values) throw badRequest(`input '${name}': data has ${count} values, but shape ${dims(shape)} holds ${values}`);
  return { images: pixels, binaryBytes: 0 };
}

/** The images of the one input, and its batch, checked input by input; the binary part must be all theirs. */
function readImages(inputs: readonly unknown[], body: BinaryPart, model: ServedVersion): { images: Float32Array | Uint8Array; batch: number } {
  let images: Float32Array | Uint8Array | undefined;
  let batch = 0;
  let binaryOffset = 0;
  inputs.forEach((input: unknown, i) => {
    const { fields, name } = readInputName(input, i, model);
    if (images !== undefined) throw badRequest(`input '${name}' is given twice (inputs[${i}])`);
    const shape = readInputShape(fields, name, i, model);
    batch = shape[0]!;
    const place = readDataPlace(fields, name, i);
    const read = place.binary ? binaryImages(place.parameters, name, shape, body, binaryOffset, model) : jsonImages(fields, name, shape);
    images = read.images;
    binaryOffset += read.binaryBytes;
  });
  if (binaryOffset !== body.binary.length) {
    throw badRequest(
      `unexpected additional input data for model '${model.model}': ${body.binary.length - binaryOffset} bytes after the JSON that no input's binary_data_size accounts for`,
    );
  }
  return { images: images!, batch };
}

/**
 * Checks the request object (the parsed JSON) against `model` and gathers its images: from
 * `data`, or from the body's binary part (its bytes after the JSON).
 */
export function readInferRequest(request: unknown, body: BinaryPart, model: ServedVersion): InferRequest {
  if (!isObject(request)) throw badRequest(`the request body must be a JSON object with "inputs", got ${shown(request)}`);
  const { id, binaryOutput } = readRequestFields(request);
  const inputs = readInputList(request, model);
  const { images, batch } = readImages(inputs, body, model);
  return { id: id || undefined, images, batch, outputs: readOutputs(request, model, { binaryByDefault: binaryOutput }) };
}
