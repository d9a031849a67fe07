/**
 * What an .onnx file written by `mlpx export` is, from its bytes alone (no file system, no
 * runtime, so the web bundle uses it too): it must parse as an ONNX model and keep the contract of
 * contract.ts (input images [batch, height, width, 1 or 3], outputs logits and probabilities
 * [batch, classes]). Also reads what the export recorded in metadata_props: labels, the model
 * family, and the test accuracy at training.
 */
import { MlpxError } from '../errors.js';
import { INPUT_NAME, LOGITS_NAME, METADATA_KEYS, PROBABILITIES_NAME, type PrecisionMetadata, type TrainedAccuracy } from './contract.js';
import { decodeModel, type DecodedModel, type DecodedValueInfo } from './schema.js';

export interface ModelInfo {
  /** [height, width, channels] of one input image. */
  readonly inputShape: readonly [number, number, number];
  readonly labels: readonly string[];
  /** The model family's name (one of @mlpx/train's, e.g. 'mixer', or one registered with its registerModelFamily) when recorded. */
  readonly family: string | undefined;
  /** What training measured, when recorded (models exported by mlpx). */
  readonly trained: TrainedAccuracy | undefined;
  /** How a reduced-precision model was made (mlpx.precision); undefined for fp32 models and older exports. */
  readonly precision: PrecisionMetadata | undefined;
}

function dims(value: DecodedValueInfo | undefined): (number | string | undefined)[] | undefined {
  return value?.type?.tensor_type?.shape?.dim?.map((d) => d.dim_value ?? d.dim_param);
}

function parse(label: string, bytes: Uint8Array): DecodedModel {
  let model: DecodedModel;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    throw new MlpxError(`${label} is not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!model.ir_version || !model.graph || !model.graph.input?.length) {
    throw new MlpxError(`${label} is not an ONNX model (no IR version or graph inputs); export one with mlpx export`);
  }
  return model;
}

function metadataJson<T>(label: string, metadata: Map<string, string>, key: string): T | undefined {
  const text = metadata.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new MlpxError(`${label}: its metadata ${key} is not valid JSON`);
  }
}

/** `label` names the model in errors (a file path or URL). */
export function parseModelInfo(bytes: Uint8Array, label: string): ModelInfo {
  const model = parse(label, bytes);
  const input = model.graph.input!.find((v) => v.name === INPUT_NAME);
  const shape = dims(input);
  const [, height, width, channels] = shape ?? [];
  if (!shape || shape.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || (channels !== 1 && channels !== 3)) {
    const found = model.graph.input!.map((v) => `${v.name} [${(dims(v) ?? []).join(', ')}]`).join(', ');
    throw new MlpxError(
      `${label}: its input is not an image tensor ${INPUT_NAME} [batch, height, width, 1 or 3] (found ${found}); is it a model exported by mlpx export?`,
    );
  }
  const outputs = new Map((model.graph.output ?? []).map((v) => [v.name, dims(v)]));
  const classes = outputs.get(LOGITS_NAME)?.[1];
  if (!outputs.has(PROBABILITIES_NAME) || typeof classes !== 'number') {
    throw new MlpxError(`${label}: it has no outputs ${LOGITS_NAME} and ${PROBABILITIES_NAME} [batch, classes]; is it a model exported by mlpx export?`);
  }
  const metadata = new Map((model.metadata_props ?? []).map((p) => [p.key, p.value]));
  const labels = metadataJson<string[]>(label, metadata, METADATA_KEYS.labels) ?? Array.from({ length: classes }, (_, i) => `class ${i}`);
  if (labels.length !== classes) throw new MlpxError(`${label}: it records ${labels.length} labels for ${classes} classes`);
  return {
    inputShape: [height, width, channels],
    labels,
    family: metadataJson<{ family: string }>(label, metadata, METADATA_KEYS.model)?.family,
    trained: metadataJson<TrainedAccuracy>(label, metadata, METADATA_KEYS.training),
    precision: metadataJson<PrecisionMetadata>(label, metadata, METADATA_KEYS.precision),
  };
}
