/**
 * The inference response, as Triton writes it: {"id" (when the request had one), "model_name",
 * "model_version", "outputs": [{"name", "datatype", "shape", and "data" or
 * "parameters": {"binary_data_size"}}]}, outputs in the order requested (both, logits first,
 * when none were named), binary outputs' bytes after the JSON in the same order.
 */
import { floatBytes } from './binary-data.js';
import type { BatchOutputs } from './batcher.js';
import { classify, serializeBytes } from './classification.js';
import type { InferRequest } from './infer-request.js';
import type { ServedVersion } from './repository.js';

export interface EncodedResponse {
  /** The JSON, then the binary outputs. */
  readonly body: Buffer;
  /** The JSON's length, when binary data follows it. */
  readonly headerLength: number | undefined;
}

export function encodeInferResponse(model: ServedVersion, request: InferRequest, outputs: BatchOutputs): EncodedResponse {
  const { classes } = model;
  const rows = request.batch;
  const binaries: Buffer[] = [];
  let json = request.id === undefined ? '{' : `{"id":${JSON.stringify(request.id)},`;
  json += `"model_name":${JSON.stringify(model.model)},"model_version":"${model.version}","outputs":[`;
  request.outputs.forEach((output, i) => {
    const values = outputs[output.name];
    if (i > 0) json += ',';
    json += `{"name":"${output.name}",`;
    if (output.classification > 0) {
      const strings = classify(values, rows, classes, output.classification, model.outputLabels.get(output.name));
      json += `"datatype":"BYTES","shape":[${rows},${Math.min(output.classification, classes)}],`;
      if (output.binary) {
        const bytes = serializeBytes(strings);
        binaries.push(bytes);
        json += `"parameters":{"binary_data_size":${bytes.length}}}`;
      } else {
        json += `"data":${JSON.stringify(strings)}}`;
      }
    } else {
      json += `"datatype":"FP32","shape":[${rows},${classes}],`;
      if (output.binary) {
        binaries.push(floatBytes(values));
        json += `"parameters":{"binary_data_size":${values.byteLength}}}`;
      } else {
        json += `"data":${JSON.stringify(Array.from(values))}}`;
      }
    }
  });
  json += ']}';
  if (binaries.length === 0) return { body: Buffer.from(json, 'utf8'), headerLength: undefined };
  const header = Buffer.from(json, 'utf8');
  return { body: Buffer.concat([header, ...binaries]), headerLength: header.length };
}
