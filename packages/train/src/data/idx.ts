/**
 * The IDX format of the MNIST database (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE
 * MNIST DATABASE"), which Fashion-MNIST uses unchanged: a big-endian 32-bit magic number
 * 0x000008DD (0x08: unsigned bytes, DD: number of dimensions), DD big-endian 32-bit sizes, then
 * the values in row-major order. Images are 0x00000803 (count, rows, columns), labels 0x00000801
 * (count).
 */

const UNSIGNED_BYTE = 0x08;
import { MlpxError } from '@mlpx/core';

export interface IdxImages {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** count * height * width bytes, row-major. */
  readonly pixels: Uint8Array;
}

export function parseIdxImages(data: Uint8Array, file: string): IdxImages {
  const { sizes, values } = parseIdx(data, file, 3, 'images');
  const [count, height, width] = sizes;
  return { count, height, width, pixels: values };
}

export function parseIdxLabels(data: Uint8Array, file: string): Uint8Array {
  return parseIdx(data, file, 1, 'labels').values;
}

function parseIdx(data: Uint8Array, file: string, dimensions: number, kind: string): { sizes: number[]; values: Uint8Array } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerBytes = 4 + 4 * dimensions;
  if (data.length < 4) {
    throw new MlpxError(`${file} is truncated: ${data.length} bytes, too short for an IDX header`);
  }
  const magic = view.getUint32(0);
  const expectedMagic = (UNSIGNED_BYTE << 8) | dimensions;
  if (magic !== expectedMagic) {
    throw new MlpxError(`${file} has a bad magic number ${hex(magic)}, expected ${hex(expectedMagic)} (IDX ${kind})`);
  }
  if (data.length < headerBytes) {
    throw new MlpxError(`${file} is truncated: ${data.length} bytes, the IDX ${kind} header alone is ${headerBytes}`);
  }
  const sizes = Array.from({ length: dimensions }, (_, i) => view.getUint32(4 + 4 * i));
  const expectedBytes = headerBytes + sizes.reduce((product, size) => product * size, 1);
  if (data.length !== expectedBytes) {
    const problem = data.length < expectedBytes ? 'is truncated' : 'has trailing bytes';
    throw new MlpxError(`${file} ${problem}: expected ${expectedBytes} bytes for IDX ${kind} of size ${sizes.join('x')}, got ${data.length}`);
  }
  return {
    sizes,
    values: new Uint8Array(data.buffer, data.byteOffset + headerBytes, expectedBytes - headerBytes),
  };
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
