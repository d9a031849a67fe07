/**
 * The classification extension's strings, as Triton writes them: C++'s std::to_string of the
 * float (printf "%f": six decimals, ties to even on the exact binary value, "-0.000000", "nan",
 * "inf"), then the index, then the label when the output has labels; the top K of each row,
 * highest first, ties by index; and BYTES serialized with 4-byte little-endian lengths.
 */
import { describe, expect, it } from 'vitest';
import { classify, formatFixed6, serializeBytes } from '@mlpx/infer/src/serving/classification.js';

describe('the value as std::to_string(float) writes it', () => {
  it.each([
    [0.5, '0.500000'],
    [1, '1.000000'],
    [Math.fround(0.1), '0.100000'],
    [Math.fround(0.9123456), '0.912346'],
    [Math.fround(-3), '-3.000000'],
    [Math.fround(12.3456789), '12.345679'],
    [Math.fround(1e-7), '0.000000'],
    [Math.fround(-1e-7), '-0.000000'],
    [-0, '-0.000000'],
    [0, '0.000000'],
    // Exact ties of the binary value: printf rounds to even, toFixed would round up.
    [0.0078125, '0.007812'],
    [0.0234375, '0.023438'],
    [-0.0078125, '-0.007812'],
    [NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [Math.fround(3e38), '300000000549775575777803994281145270272.000000'],
  ])('%s is "%s"', (value, expected) => {
    expect(formatFixed6(value)).toBe(expected);
  });
});

describe('the top K of each row', () => {
  it('gives "value:index:label" highest first, per row, K at most the classes', () => {
    const values = Float32Array.from([0.1, 0.7, 0.2, /* row 2 */ 0.3, 0.3, 0.4]);
    expect(classify(values, 2, 3, 2, ['a', 'b', 'c'])).toEqual(['0.700000:1:b', '0.200000:2:c', '0.400000:2:c', '0.300000:0:a']);
    expect(classify(values, 1, 3, 5, undefined)).toEqual(['0.700000:1', '0.200000:2', '0.100000:0']);
  });

  it('serializes BYTES elements as a 4-byte little-endian length and the UTF-8 bytes', () => {
    const bytes = serializeBytes(['ab', '', 'é']);
    expect([...bytes]).toEqual([2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9]);
  });
});
