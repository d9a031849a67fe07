/**
 * The name a model has in a Triton repository: its folder, the `name` in its config.pbtxt, the
 * model in /v2/models/<name>/infer, and the KServe InferenceService's metadata.name. Triton takes
 * almost any folder name; KServe does not: an InferenceService name must match
 * [a-z]([-a-z0-9]*[a-z0-9])? (lower case letters, digits and '-', starting with a letter), and the
 * Kubernetes names KServe derives from it (<name>-predictor, ...) must stay within 63 characters.
 * One rule for both keeps the folder and the manifest in step.
 */
const MODEL_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_MODEL_NAME_LENGTH = 45;

/** Why `name` cannot name a model, or undefined when it can. */
export function modelNameProblem(name: string): string | undefined {
  if (name.length > MAX_MODEL_NAME_LENGTH) return `it has ${name.length} characters, more than ${MAX_MODEL_NAME_LENGTH}`;
  if (!MODEL_NAME.test(name))
    return "it must be lower case letters, digits and '-', start with a letter and end with a letter or digit (KServe's rule for an InferenceService name)";
  return undefined;
}

/**
 * The default name of an exported run: its model family and dataset, e.g. mixer-fashion-mnist; a
 * folder dataset (`folder:path/to/flowers`) gives its folder's name. Anything outside the rule is
 * folded into it (lower case, other characters to '-'), and cut to the length allowed.
 */
export function defaultModelName(family: string | undefined, dataset: string | undefined): string {
  const datasetName = dataset?.startsWith('folder:') ? (dataset.slice('folder:'.length).split(/[\\/]/).filter(Boolean).pop() ?? 'folder') : dataset;
  const folded = [family ?? 'model', datasetName]
    .filter((part): part is string => part !== undefined && part !== '')
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_MODEL_NAME_LENGTH)
    .replace(/-+$/, '');
  return folded === '' ? 'model' : folded;
}
