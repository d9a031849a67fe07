/**
 * mlpx's own WGSL shaders on tfjs's webgpu backend, in the simplest form tfjs runs: one shader
 * invocation per output value (a "flat" dispatch), reading its inputs as plain arrays, constants as
 * uniforms, writing with setOutputAtIndex. One tfjs kernel, MlpxFlatProgram (webgpu only), runs any
 * such shader: the shader travels in the kernel's attributes, so each fused op (AdamW, dropout
 * masks, GELU, layer norm: ops/) is a function, not a kernel registration of its own.
 *
 *   const y = runFlatProgram({ key: 'double', inputs: ['X'], size: n, body: 'setOutputAtIndex(index, 2.0 * X[index]);' }, [x]);
 *
 * `index` is the invocation (by default the output position, i32); the output array is `result`;
 * inputs are bound in order.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export const FLAT_PROGRAM = 'MlpxFlatProgram';

export interface FlatUniform {
  readonly name: string;
  readonly type: 'f32' | 'i32';
  readonly value: number;
}

export interface FlatProgram {
  /** Names the shader (tfjs caches compiled pipelines by it, the uniforms' names and the shapes). */
  readonly key: string;
  /**
   * The inputs' names in the shader, in the order of the tensors passed. The shader must read
   * each one: WebGPU leaves unused bindings out of the pipeline's layout, and binding them fails.
   */
  readonly inputs: readonly string[];
  /** Output values. */
  readonly size: number;
  /**
   * Shader invocations, index 0 .. invocations - 1 (default: one per output value). Fewer when each
   * invocation writes several values itself (result[i] = ...), as a per-row reduction does.
   */
  readonly invocations?: number;
  readonly uniforms?: readonly FlatUniform[];
  /** WGSL run for index < uniforms.invocations; may declare helper functions in `functions`. */
  readonly body: string;
  readonly functions?: string;
}

const WORKGROUP_SIZE = 128;

function program(spec: FlatProgram) {
  const invocations = spec.invocations ?? spec.size;
  return {
    variableNames: [...spec.inputs],
    outputShape: [spec.size],
    shaderKey: `mlpx_${spec.key}`,
    // Flat: one invocation per output value; the backend reshapes a dispatch past the device's
    // per-dimension limit.
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(invocations / WORKGROUP_SIZE), 1, 1] as [number, number, number],
    workgroupSize: [WORKGROUP_SIZE, 1, 1] as [number, number, number],
    size: true as const,
    uniforms: ['invocations : i32,', ...(spec.uniforms ?? []).map((u) => `${u.name} : ${u.type},`)].join(' '),
    getUserCode: () => `
      ${spec.functions ?? ''}
      fn main(index : i32) {
        if (index < uniforms.invocations) {
          ${spec.body}
        }
      }`,
  };
}

let registered = false;

/** Registers MlpxFlatProgram with tfjs's kernel registry for webgpu (once; register.ts, and the first runFlatProgram). */
export function registerFlatProgramKernel(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: FLAT_PROGRAM,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const spec = (attrs as unknown as { spec: FlatProgram }).spec;
      const tensors = spec.inputs.map((name) => (inputs as Record<string, tf.TensorInfo>)[name]!);
      const uniforms = [
        { type: 'int32', data: [spec.invocations ?? spec.size] },
        ...(spec.uniforms ?? []).map((u) => ({ type: u.type === 'f32' ? 'float32' : 'int32', data: [u.value] })),
      ];
      return (backend as WebGPUBackend).runWebGPUProgram(program(spec) as never, tensors, 'float32', uniforms);
    },
  });
}

/** Runs the shader on the inputs (float32, any shape, read flat); the output is float32 [size]. */
export function runFlatProgram(spec: FlatProgram, inputs: readonly tf.Tensor[]): tf.Tensor1D {
  if (tf.getBackend() !== 'webgpu') throw new Error(`runFlatProgram needs the webgpu backend (active: ${tf.getBackend()})`);
  registerFlatProgramKernel();
  const named = Object.fromEntries(spec.inputs.map((name, i) => [name, inputs[i]!]));
  return tf.engine().runKernel(FLAT_PROGRAM, named, { spec } as never) as tf.Tensor1D;
}
