/**
 * dropoutMask (../dropout.ts) drawn on the GPU: a WGSL shader computes the same counter-based
 * mulberry32 stream, bit for bit (WGSL's u32 arithmetic wraps as Math.imul and >>> do), so that
 * webgpu applies the very masks wasm and tensorflow apply, and a step uploads no mask (at the seed
 * configuration a step's masks are about 80 MB). Registered as a tfjs kernel for webgpu only.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export const DROPOUT_MASK = 'MlpxDropoutMask';

interface DropoutMaskAttrs {
  readonly shape: number[];
  /** The stream's seed (a 32-bit integer) and the index of the mask's first value in it. */
  readonly seed: number;
  readonly start: number;
  /** A value is kept when its 16 bits are below this (round((1 - rate) * 2^16)). */
  readonly threshold: number;
  /** 1 / (1 - rate), the value a kept position holds. */
  readonly scale: number;
}

function maskProgram(size: number) {
  const workgroupSize: [number, number, number] = [128, 1, 1];
  return {
    variableNames: [] as string[],
    outputShape: [size],
    shaderKey: 'mlpx_dropout_mask',
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / workgroupSize[0]), 1, 1] as [number, number, number],
    workgroupSize,
    size: true as const,
    uniforms: 'seed : i32, start : i32, threshold : i32, scale : f32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let at = u32(uniforms.start) + u32(index);
          // mulberry32's output for counter floor(at / 2): state = seed + (pair + 1) * C.
          let state = bitcast<u32>(uniforms.seed) + (at / 2u + 1u) * 0x6d2b79f5u;
          var t = (state ^ (state >> 15u)) * (1u | state);
          t = (t + (t ^ (t >> 7u)) * (61u | t)) ^ t;
          t = t ^ (t >> 14u);
          // The low 16 bits decide even values, the high 16 bits odd ones.
          let bits = select(t & 0xffffu, t >> 16u, (at & 1u) == 1u);
          setOutputAtIndex(index, select(0.0, uniforms.scale, bits < u32(uniforms.threshold)));
        }
      }`,
  };
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: DROPOUT_MASK,
    backendName: 'webgpu',
    kernelFunc: ({ backend, attrs }) => {
      const { shape, seed, start, threshold, scale } = attrs as unknown as DropoutMaskAttrs;
      const size = tf.util.sizeFromShape(shape);
      return (backend as WebGPUBackend).runWebGPUProgram(maskProgram(size) as never, [], 'float32', [
        { type: 'int32', data: [seed | 0] },
        { type: 'int32', data: [start] },
        { type: 'int32', data: [threshold] },
        { type: 'float32', data: [scale] },
      ]);
    },
  });
}

/** The mask dropoutMask(size, rate, seed, start) computes, made on the GPU, in `shape`. */
export function dropoutMaskOnWebgpu(shape: readonly number[], rate: number, seed: number, start: number): tf.Tensor {
  register();
  const attrs: DropoutMaskAttrs = { shape: [...shape], seed, start, threshold: Math.round((1 - rate) * 65536), scale: Math.fround(1 / (1 - rate)) };
  const flat = tf.engine().runKernel(DROPOUT_MASK, {}, attrs as never) as tf.Tensor;
  return tf.reshape(flat, [...shape]);
}
