/**
 * Reads an .onnx file written by `mlpx export` and checks that it is one: it parses as an ONNX
 * model, its input `images` is an image tensor [batch, height, width, 1 or 3] and it has the
 * outputs `logits` and `probabilities`. Also reads what the export recorded in metadata_props:
 * labels, the dataset, and the test accuracy at training.
 */
import { readFile } from 'node:fs/promises';
import { describeError, MlpxError, type RunMetrics } from '@mlpx/train';
import { decodeModel, type DecodedModel, type DecodedValueInfo } from '@mlpx/export/onnx-schema';

export interface TrainedAccuracy {
  readonly test: RunMetrics['test'];
}

export interface ModelInfo {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** [height, width, channels] of one input image. */
  readonly inputShape: readonly [number, number, number];
  readonly labels: readonly string[];
  /** The model family ('mixer', 'fnet', 'gmlp') when recorded. */
  readonly family: string | undefined;
  /** What training measured, when recorded (models exported by mlpx). */
  readonly trained: TrainedAccuracy | undefined;
}

function dims(value: DecodedValueInfo | undefined): (number | string | undefined)[] | undefined {
  return value?.type?.tensor_type?.shape?.dim?.map((d) => d.dim_value ?? d.dim_param);
}

function parse(path: string, bytes: Uint8Array): DecodedModel {
  let model: DecodedModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new MlpxError(`${path} is not an ONNX model: ${describeError(error)}`);
  }
  if (!model.ir_version || !model.graph || !model.graph.input?.length) {
    throw new MlpxError(`${path} is not an ONNX model (no IR version or graph inputs); export one with mlpx export`);
  }
  return model;
}

function metadataJson<T>(path: string, metadata: Map<string, string>, key: string): T | undefined {
  const text = metadata.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MlpxError(`${path}: its metadata ${key} is not valid JSON`);
  }
}

export async function readModel(path: string): Promise<ModelInfo> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MlpxError(code === 'ENOENT' ? `model file ${path} does not exist` : `cannot read the model ${path}: ${describeError(error)}`);
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const model = parse(path, bytes);
  const input = model.graph.input!.find((v) => v.name === 'images');
  const shape = dims(input);
  const [, height, width, channels] = shape ?? [];
  if (!shape || shape.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) {
    const found = model.graph.input!.map((v) => `${v.name} [${(dims(v) ?? []).join(', ')}]`).join(', ');
    throw new MlpxError(`${path}: its input is not an image tensor images [batch, height, width, 1 or 3] (found ${found}); is it a model exported by mlpx export?`);
  }
  const outputs = new Map((model.graph.output ?? []).map((v) => [v.name, dims(v)]));
  const classes = outputs.get('logits')?.[1];
  if (!outputs.has('probabilities') || typeof classes !== 'number') {
    throw new MlpxError(`${path}: it has no outputs logits and probabilities [batch, classes]; is it a model exported by mlpx export?`);
  }
  const metadata = new Map((model.metadata_props ?? []).map((p) => [p.key, p.value]));
  const labels = metadataJson<string[]>(path, metadata, 'mlpx.labels') ?? Array.from({ length: classes }, (_, i) => `class ${i}`);
  if (labels.length !== classes) throw new MlpxError(`${path}: it records ${labels.length} labels for ${classes} classes`);
  return {
    path,
    bytes,
    inputShape: [height, width, channels],
    labels,
    family: metadataJson<{ family: string }>(path, metadata, 'mlpx.model')?.family,
    trained: metadataJson<TrainedAccuracy>(path, metadata, 'mlpx.training'),
  };
}
