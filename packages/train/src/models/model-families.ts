/**
 * The registry of model families: the built-in ones (families/index.ts) from the start, and any
 * added with registerModelFamily. buildClassifier, the plain baseline, the FLOP count and
 * `mlpx train` look families up here by name.
 */
import { BUILT_IN_FAMILIES } from './families/index.js';
import type { ModelFamily } from './model-family.js';

const families = new Map<string, ModelFamily>(BUILT_IN_FAMILIES.map((family) => [family.name, family]));

/** Makes a family available to buildClassifier, the plain baseline, the FLOP count and `mlpx train`. */
export function registerModelFamily(family: ModelFamily): void {
  if (!/^[a-z][a-z0-9]*$/.test(family.name))
    throw new RangeError(`model family name '${family.name}' must be lower-case letters and digits, starting with a letter`);
  if (families.has(family.name)) throw new RangeError(`model family '${family.name}' is already registered`);
  families.set(family.name, family);
}

/** The registered families, the built-in ones first, in the order they were registered. */
export function modelFamilies(): readonly ModelFamily[] {
  return [...families.values()];
}

export function modelFamilyNames(): string[] {
  return [...families.keys()];
}

export function isModelFamily(name: string): boolean {
  return families.has(name);
}

/** Whether the named family adds a position embedding (FNet's); false for a name no family has, left to the model's own checks. */
export function hasPositionEmbedding(name: string): boolean {
  return families.get(name)?.positionEmbedding ?? false;
}

/** The family of that name, or an error naming the known ones. */
export function modelFamily(name: string): ModelFamily {
  const family = families.get(name);
  if (family === undefined) throw new RangeError(`unknown model '${name}': the model families are ${modelFamilyNames().join(', ')}`);
  return family;
}
