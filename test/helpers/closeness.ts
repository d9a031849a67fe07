/**
 * The one closeness check of the tests.
 *
 * Definition (one scale for the whole tensor, not per element):
 *   scale     = max(max_i |expected_i|, scaleFloor)
 *   tolerance = relative x scale            (or `absolute`, when given instead)
 *   passes when every |actual_i - expected_i| < tolerance (strictly), and the lengths agree.
 *
 * Why per tensor: a weight or gradient has elements that cancel to near zero, where float32
 * summation noise is large against the element but small against the tensor; relative to each
 * element, every parity check would fail on such elements.
 *
 * `scaleFloor` keeps a tensor of tiny values from asking for a tinier difference: with a floor of
 * 1, values below 1 are compared absolutely (difference < relative). The default, 1e-12, only
 * guards against division by zero. A floor of 0 fails an all-zero `expected` (0 / 0), as before.
 *
 * A NaN anywhere fails. The failure message names `what`, the worst element, both of its values,
 * the difference and the tolerance.
 */
import { expect } from 'vitest';

const DEFAULT_SCALE_FLOOR = 1e-12;

export interface Closeness {
  /** The largest |actual - expected| (NaN when an element is NaN). */
  readonly difference: number;
  /** max(max |expected|, scaleFloor); 1 for an absolute comparison. */
  readonly scale: number;
  /** difference / scale: the largest relative difference. */
  readonly relative: number;
  /** The element with the largest difference (the first NaN, if any). */
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
}

export type CloseOptions =
  { readonly relative: number; readonly scaleFloor?: number; readonly what?: string } | { readonly absolute: number; readonly what?: string };

/** Measures how far `actual` is from `expected` (see the definition at the top of this file). */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, scaleFloor = DEFAULT_SCALE_FLOOR): Closeness {
  let difference = 0;
  let index = -1;
  let largest = 0;
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    // `!(d <= difference)` also catches NaN; the first NaN stays the worst element.
    if (index < 0 || (!(d <= difference) && !Number.isNaN(difference))) [difference, index] = [d, i];
    largest = Math.max(largest, Math.abs(expected[i]!));
  }
  const scale = Math.max(largest, scaleFloor);
  return { difference, scale, relative: difference / scale, index, actual: actual[index] ?? NaN, expected: expected[index] ?? NaN };
}

/** Asserts that `actual` is close to `expected` (see the definition at the top of this file); returns the measure. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, options: CloseOptions): Closeness {
  const what = options.what ? `${options.what}: ` : '';
  expect(actual.length, `${what}length`).toBe(expected.length);
  const absolute = 'absolute' in options;
  const measured = closeness(actual, expected, absolute ? 1 : (options.scaleFloor ?? DEFAULT_SCALE_FLOOR));
  const scale = absolute ? 1 : measured.scale;
  const bound = absolute ? options.absolute : options.relative;
  const ratio = measured.difference / scale;
  if (!(ratio < bound)) {
    const tolerance = absolute ? `${options.absolute}` : `${options.relative} x scale ${measured.scale.toExponential(3)}`;
    expect.fail(
      `${what}element ${measured.index} is ${measured.actual}, expected ${measured.expected}: ` +
        `|difference| ${measured.difference.toExponential(3)} is not below ${tolerance}` +
        (absolute ? '' : ` (relative difference ${ratio.toExponential(3)})`),
    );
  }
  return absolute ? { ...measured, scale: 1, relative: measured.difference } : measured;
}
