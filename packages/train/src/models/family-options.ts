/**
 * A model family's own options (ModelFamily.options: FNet's position table). Their values sit in
 * the config's `familyOptions` record, not beside the sizes every family shares; this module
 * reads them with their defaults, checks them against the family, fills in what a new run
 * records, and reads back records written before the record existed:
 *
 *   - a run or checkpoint of before `familyOptions` held an option beside the sizes under its own
 *     key (FNet's `positionTable`): it is moved into the record;
 *   - one of before the option existed lacks it: it gets the option's `unrecorded` value (FNet's
 *     'trained', what those runs did), so that it resumes as it ran.
 *
 * An option given beside the sizes by a caller (the deprecated ModelConfig.positionTable) still
 * works, with a one-time warning (MLPX_DEP006).
 */
import { warnDeprecated } from '@mlpx/core';
import type { Architecture, FamilyOptionValues } from './classifier-config.js';
import { isModelFamily, modelFamily } from './model-families.js';
import type { FamilyOption } from './model-family.js';

/** The options the named family declares (none for a family without any, or a name no family has). */
export function declaredOptions(model: string): Readonly<Record<string, FamilyOption>> {
  return isModelFamily(model) ? (modelFamily(model).options ?? {}) : {};
}

/** The values given beside the sizes, under an option's own key: the deprecated place. */
function besideTheSizes(model: string, architecture: Architecture): Record<string, string> {
  const flat = architecture as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(declaredOptions(model))
      .filter((key) => flat[key] !== undefined)
      .map((key) => [key, String(flat[key])]),
  );
}

/** The architecture with `familyOptions` as given and no option beside the sizes. */
function withRecord<T extends Architecture>(model: string, architecture: T, familyOptions: FamilyOptionValues): T {
  const rest: Record<string, unknown> = { ...architecture };
  for (const key of Object.keys(declaredOptions(model))) delete rest[key];
  delete rest['familyOptions'];
  return (Object.keys(familyOptions).length > 0 ? { ...rest, familyOptions } : rest) as T;
}

/** The chosen values: `familyOptions`, over any given beside the sizes (with the deprecation warning). */
function chosen(model: string, architecture: Architecture): FamilyOptionValues {
  const flat = besideTheSizes(model, architecture);
  if (Object.keys(flat).length > 0) warnDeprecated('MLPX_DEP006');
  return { ...flat, ...architecture.familyOptions };
}

/** Every option of the family with its value for this config: the chosen one, else its default. */
export function familyOptionValues(model: string, architecture: Architecture): FamilyOptionValues {
  const values = chosen(model, architecture);
  return Object.fromEntries(Object.entries(declaredOptions(model)).map(([key, option]) => [key, values[key] ?? option.default]));
}

/** Throws naming the option: one the family does not have, or a value not among its choices. An unknown family is left to modelFamily. */
export function checkFamilyOptions(model: string, architecture: Architecture): void {
  if (!isModelFamily(model)) return;
  const options = declaredOptions(model);
  for (const [key, value] of Object.entries(chosen(model, architecture))) {
    const option = options[key];
    if (option === undefined) {
      const known = Object.keys(options);
      throw new RangeError(`model ${model} has no option ${key}${known.length > 0 ? ` (its options: ${known.join(', ')})` : ''}`);
    }
    if (!option.choices.includes(value)) throw new RangeError(`${option.label} must be ${option.choices.join(' or ')}, got ${String(value)}`);
  }
}

/** What a new run records: every option of the family in `familyOptions`, the defaults filled in. */
export function withFamilyOptions<T extends Architecture>(model: string, architecture: T): T {
  return withRecord(model, architecture, familyOptionValues(model, architecture));
}

/**
 * A record read back (a checkpoint, metrics.json): an option held beside the sizes moved into
 * `familyOptions`, one the record lacks set to the value runs had before the option existed.
 * Damaged records are passed through, left to the model's own checks to report.
 */
export function recordedFamilyOptions<T extends Architecture>(model: unknown, architecture: T): T {
  if (typeof model !== 'string' || typeof architecture !== 'object' || architecture === null) return architecture;
  const recorded = { ...besideTheSizes(model, architecture), ...architecture.familyOptions };
  for (const [key, option] of Object.entries(declaredOptions(model))) {
    if (recorded[key] === undefined && option.unrecorded !== undefined) recorded[key] = option.unrecorded;
  }
  return withRecord(model, architecture, recorded);
}
