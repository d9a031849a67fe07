/**
 * "Try these in order, use the first that loads, and say why the others did not": the execution
 * providers of @mlpx/infer and @mlpx/web, and the training backends of @mlpx/train.
 *
 *   const { value: session, chosen, skipped } = await firstThatLoads(['webgpu', 'wasm'], async (provider) => {
 *     if (provider === 'webgpu' && !navigator.gpu) return skipCandidate('this browser has no WebGPU');
 *     return InferenceSession.create(bytes, { executionProviders: [provider] });
 *   }, { heading: 'cannot run model.onnx on webgpu, wasm' });
 *
 * A loader that throws is skipped with the error's message as its reason (or what `explain` makes of
 * the error); one that returns skipCandidate(reason) is skipped without an error, for a candidate
 * known not to work before it is tried. When none loads, NoneLoadedError lists each with its reason.
 */
import { describeError, MlpxError } from '../errors.js';

/** A candidate that was not used, and why. */
export interface SkippedCandidate<Name extends string = string> {
  readonly name: Name;
  readonly reason: string;
}

export interface FirstLoaded<Name extends string, Value> {
  /** What the chosen candidate's loader returned. */
  readonly value: Value;
  readonly chosen: Name;
  /** The candidates tried before the chosen one, in order, with the reason each was not used. */
  readonly skipped: readonly SkippedCandidate<Name>[];
}

export interface FirstThatLoadsOptions<Name extends string> {
  /**
   * What failed, naming what was asked for: the error's message begins with it, e.g.
   * `cannot run model.onnx on cuda, cpu` or `--backend auto: no backend could be loaded`.
   */
  readonly heading: string;
  /** The reason shown for a loader's error (default: the error's message). */
  readonly explain?: (error: unknown, name: Name) => string;
  /** A line added under the reasons when none loads: what the user can do about it. */
  readonly hint?: string;
}

const SKIP = Symbol('mlpx.skipCandidate');

/** A loader's answer for a candidate it knows will not work: skipped with this reason, no error thrown. */
export interface Skip {
  readonly [SKIP]: string;
}

export function skipCandidate(reason: string): Skip {
  return { [SKIP]: reason };
}

function isSkip(value: unknown): value is Skip {
  return typeof value === 'object' && value !== null && SKIP in value;
}

/**
 * None of the candidates loaded. The message is the heading and the reasons, in one format:
 * one candidate on one line (`heading: reason`), several one per line (`heading:` then
 * `  name: reason` each), then the hint's line when there is one.
 */
export class NoneLoadedError<Name extends string = string> extends MlpxError {
  constructor(
    readonly heading: string,
    readonly skipped: readonly SkippedCandidate<Name>[],
    readonly hint?: string,
  ) {
    super(NoneLoadedError.format(heading, skipped, hint));
  }

  static format(heading: string, skipped: readonly SkippedCandidate[], hint?: string): string {
    const reasons =
      skipped.length === 0
        ? ': nothing to try'
        : skipped.length === 1
          ? `: ${skipped[0]!.reason}`
          : `:\n${skipped.map((s) => `  ${s.name}: ${s.reason}`).join('\n')}`;
    return `${heading}${reasons}${hint === undefined ? '' : `\n${hint}`}`;
  }
}

/**
 * Calls `load` on each candidate in order until one returns a value; returns that value, the
 * candidate, and the ones skipped before it. Throws NoneLoadedError when none does.
 */
export async function firstThatLoads<Name extends string, Value>(
  candidates: readonly Name[],
  load: (name: Name) => Promise<Value | Skip> | Value | Skip,
  options: FirstThatLoadsOptions<Name>,
): Promise<FirstLoaded<Name, Value>> {
  const skipped: SkippedCandidate<Name>[] = [];
  for (const name of candidates) {
    try {
      const loaded = await load(name);
      if (!isSkip(loaded)) return { value: loaded, chosen: name, skipped };
      skipped.push({ name, reason: loaded[SKIP] });
    } catch (error) {
      skipped.push({ name, reason: options.explain ? options.explain(error, name) : describeError(error) });
    }
  }
  throw new NoneLoadedError(options.heading, skipped, options.hint);
}
