/**
 * dropoutMask (layers/ops/dropout.ts) drawn on the GPU: a WGSL shader (../flat-program.ts)
 * computes the same counter-based mulberry32 stream, bit for bit (WGSL's u32 arithmetic wraps as
 * Math.imul and >>> do), so that webgpu applies the very masks wasm and tensorflow apply, and a
 * step uploads no mask (at the seed configuration a step's masks are about 80 MB).
 */
import * as tf from '@tensorflow/tfjs';
import type { DropoutForm, DropoutMaskForm } from '../../../layers/ops/dropout.js';
import { runFlatProgram } from '../flat-program.js';

/** The mask value at position `index` of the stream: 1 / (1 - rate) or 0. */
const MASK_VALUE = `
  fn maskValue(index : i32) -> f32 {
    let at = u32(uniforms.start) + u32(index);
    // mulberry32's output for counter floor(at / 2): state = seed + (pair + 1) * C.
    let state = bitcast<u32>(uniforms.seed) + (at / 2u + 1u) * 0x6d2b79f5u;
    var t = (state ^ (state >> 15u)) * (1u | state);
    t = (t + (t ^ (t >> 7u)) * (61u | t)) ^ t;
    t = t ^ (t >> 14u);
    // The low 16 bits decide even values, the high 16 bits odd ones.
    let bits = select(t & 0xffffu, t >> 16u, (at & 1u) == 1u);
    return select(0.0, uniforms.scale, bits < u32(uniforms.threshold));
  }
`;

function maskUniforms(rate: number, seed: number, start: number) {
  return [
    { name: 'seed', type: 'i32' as const, value: seed | 0 },
    { name: 'start', type: 'i32' as const, value: start },
    // A value is kept when its 16 bits are below round((1 - rate) 2^16); it then holds 1 / (1 - rate).
    { name: 'threshold', type: 'i32' as const, value: Math.round((1 - rate) * 65536) },
    { name: 'scale', type: 'f32' as const, value: Math.fround(1 / (1 - rate)) },
  ];
}

/** The mask dropoutMask(size, rate, seed, start) computes, made on the GPU, in `shape`. */
export function dropoutMaskOnWebgpu(shape: readonly number[], rate: number, seed: number, start: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const flat = runFlatProgram(
    {
      key: 'dropout_mask',
      inputs: [],
      size,
      uniforms: maskUniforms(rate, seed, start),
      functions: MASK_VALUE,
      body: 'setOutputAtIndex(index, maskValue(index));',
    },
    [],
  );
  return tf.reshape(flat, [...shape]);
}

/** x times that mask, the mask computed in the same shader (never stored); dy times it backward. */
function masked(x: tf.Tensor, rate: number, seed: number, start: number): tf.Tensor {
  const flat = runFlatProgram(
    {
      key: 'dropout_apply',
      inputs: ['X'],
      size: x.size,
      uniforms: maskUniforms(rate, seed, start),
      functions: MASK_VALUE,
      body: 'setOutputAtIndex(index, X[index] * maskValue(index));',
    },
    [x],
  );
  return tf.reshape(flat, x.shape);
}

/** Inverted dropout with the mask dropoutMask(x.size, rate, seed, start): one dispatch forward, one backward. */
export function dropoutOnWebgpu(x: tf.Tensor, rate: number, seed: number, start: number): tf.Tensor {
  const apply = tf.customGrad((input) => ({
    value: masked(input as tf.Tensor, rate, seed, start),
    gradFunc: (dy: tf.Tensor) => masked(dy, rate, seed, start),
  })) as (input: tf.Tensor) => tf.Tensor;
  return apply(x);
}

/** dropoutMaskOp's webgpu form: the mask made by the shader above. */
export const dropoutMaskFormOnWebgpu: DropoutMaskForm = (shape, rate, draw) => {
  const { seed, start } = draw();
  return dropoutMaskOnWebgpu(shape, rate, seed, start);
};

/** dropoutOp's webgpu form: the mask computed where it is applied. */
export const dropoutFormOnWebgpu: DropoutForm = (x, rate, draw) => {
  const { seed, start } = draw();
  return dropoutOnWebgpu(x, rate, seed, start);
};
