/**
 * The KServe InferenceService that serves a model of a Triton repository with KServe's
 * kserve-tritonserver runtime over the v2 (Open Inference) protocol. storageUri is the repository
 * folder (the one holding <name>/config.pbtxt), which KServe's storage initializer copies to
 * /mnt/models, the runtime's --model-store. Triton would load every model there; the args, which
 * KServe appends to the runtime's, make it load this one (explicit model control), so each model
 * of a repository gets its own InferenceService. A fixed document: every string is quoted, as a
 * JSON string, which YAML reads as the same double-quoted scalar.
 */
import type { InstanceKind } from './triton-settings.js';

export const STORAGE_URI_PLACEHOLDER = 'REPLACE-ME://the-uploaded-repository-folder';

export function inferenceServiceFile(name: string): string {
  return `inferenceservice-${name}.yaml`;
}

export interface InferenceServiceOptions {
  readonly name: string;
  /** Where the repository folder was uploaded; undefined writes STORAGE_URI_PLACEHOLDER. */
  readonly storageUri: string | undefined;
  readonly instanceKind: InstanceKind;
}

/** Why `uri` cannot be a storageUri, or undefined when it can. */
export function storageUriProblem(uri: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(uri)) return 'expected a URI such as s3://bucket/models, gs://bucket/models or pvc://volume/models (no spaces)';
  return undefined;
}

export function inferenceServiceManifest(options: InferenceServiceOptions): string {
  const q = (value: string): string => JSON.stringify(value);
  const lines = [
    `# KServe InferenceService for the Triton model ${q(options.name)}, written by mlpx export.`,
    '# storageUri: the Triton repository folder (the one that holds the model folder and its config.pbtxt).',
    ...(options.storageUri === undefined ? ['# Replace the placeholder with the URI you uploaded it to, or export again with --storage-uri.'] : []),
    'apiVersion: "serving.kserve.io/v1beta1"',
    'kind: "InferenceService"',
    'metadata:',
    `  name: ${q(options.name)}`,
    'spec:',
    '  predictor:',
    '    model:',
    '      modelFormat:',
    '        name: "onnx"',
    '      protocolVersion: "v2"',
    '      runtime: "kserve-tritonserver"',
    `      storageUri: ${q(options.storageUri ?? STORAGE_URI_PLACEHOLDER)}`,
    '      args:',
    '        - "--model-control-mode=explicit"',
    `        - ${q(`--load-model=${options.name}`)}`,
    ...(options.instanceKind === 'gpu' ? ['      resources:', '        limits:', '          nvidia.com/gpu: "1"'] : []),
  ];
  return `${lines.join('\n')}\n`;
}
