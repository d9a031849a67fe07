/**
 * AdamW's update as two WGSL compute shaders per weight on tfjs's webgpu backend, instead of the
 * thirteen elementwise ops (and their scalar uploads) the generic form dispatches:
 *
 *   MlpxAdamWMoments  [m; v] (one buffer of 2n) and the gradient g -> the new [m; v]
 *                     m' = beta1 m + (1 - beta1) g,   v' = beta2 v + (1 - beta2) g^2
 *   MlpxAdamWWeights  w and the new [m; v] -> w' = (1 - decay) w - stepSize m' / (sqrt(v') + eps)
 *
 * The constants travel as uniforms, so a step uploads nothing. Registered as tfjs kernels for the
 * webgpu backend only; adamw.ts uses the generic form elsewhere, and the webgpu parity test checks
 * the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

export const ADAMW_MOMENTS = 'MlpxAdamWMoments';
export const ADAMW_WEIGHTS = 'MlpxAdamWWeights';

/** What runWebGPUProgram needs of a program (tfjs-backend-webgpu's WebGPUProgram). */
interface ElementwiseProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly size: true;
  readonly uniforms: string;
  getUserCode(): string;
}

function elementwiseProgram(shaderKey: string, variableNames: string[], size: number, uniforms: string, body: string): ElementwiseProgram {
  const workgroupSize: [number, number, number] = [128, 1, 1];
  return {
    variableNames,
    outputShape: [size],
    shaderKey,
    // Flat: one invocation per output value (the backend reshapes a dispatch past the device's
    // per-dimension limit).
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(size / workgroupSize[0]), 1, 1],
    workgroupSize,
    size: true,
    uniforms,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/** The moments, [m; v] in one buffer of 2n values, updated with the gradient G of n values. */
function momentsProgram(n: number): ElementwiseProgram {
  return elementwiseProgram(
    'mlpx_adamw_moments',
    ['Moments', 'G'],
    2 * n,
    // 1 - beta is computed in JavaScript (float64, then rounded), as the generic form's scalar is:
    // 1.0 - beta in float32 differs from it by about 1e-5 relative for beta2 = 0.999.
    'half : i32, beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32,',
    `
          if (index < uniforms.half) {
            setOutputAtIndex(index, Moments[index] * uniforms.beta1 + G[index] * uniforms.oneMinusBeta1);
          } else {
            let g = G[index - uniforms.half];
            setOutputAtIndex(index, Moments[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2);
          }`,
  );
}

/** The weights W of n values, stepped with the updated moments. */
function weightsProgram(n: number): ElementwiseProgram {
  return elementwiseProgram(
    'mlpx_adamw_weights',
    ['W', 'Moments'],
    n,
    'keep : f32, stepSize : f32, epsilon : f32,',
    `
          let adam = Moments[index] / (sqrt(Moments[index + uniforms.size]) + uniforms.epsilon);
          setOutputAtIndex(index, W[index] * uniforms.keep - adam * uniforms.stepSize);`,
  );
}

let registered = false;

/** Registers both kernels with tfjs for the webgpu backend (once). */
export function registerAdamWKernels(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: ADAMW_MOMENTS,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { moments, gradient } = inputs as { moments: tf.TensorInfo; gradient: tf.TensorInfo };
      const { beta1, beta2 } = attrs as unknown as { beta1: number; beta2: number };
      const n = tf.util.sizeFromShape(gradient.shape);
      return (backend as WebGPUBackend).runWebGPUProgram(momentsProgram(n) as never, [moments, gradient], 'float32', [
        { type: 'int32', data: [n] },
        { type: 'float32', data: [beta1] },
        { type: 'float32', data: [1 - beta1] },
        { type: 'float32', data: [beta2] },
        { type: 'float32', data: [1 - beta2] },
      ]);
    },
  });
  tf.registerKernel({
    kernelName: ADAMW_WEIGHTS,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { weights, moments } = inputs as { weights: tf.TensorInfo; moments: tf.TensorInfo };
      const { keep, stepSize, epsilon } = attrs as unknown as { keep: number; stepSize: number; epsilon: number };
      const n = tf.util.sizeFromShape(weights.shape);
      return (backend as WebGPUBackend).runWebGPUProgram(weightsProgram(n) as never, [weights, moments], 'float32', [
        { type: 'float32', data: [keep] },
        { type: 'float32', data: [stepSize] },
        { type: 'float32', data: [epsilon] },
      ]);
    },
  });
}

/** [m; v] after one step with `gradient` (flat, 2n values). */
export function adamWMoments(moments: tf.Tensor1D, gradient: tf.Tensor, beta1: number, beta2: number): tf.Tensor1D {
  return tf.engine().runKernel(ADAMW_MOMENTS, { moments, gradient: tf.reshape(gradient, [-1]) }, { beta1, beta2 } as never) as tf.Tensor1D;
}

/** The weights after one step, in their own shape (the reshape is a view, no dispatch). */
export function adamWWeights(weights: tf.Tensor, moments: tf.Tensor1D, keep: number, stepSize: number, epsilon: number): tf.Tensor {
  const flat = tf.engine().runKernel(ADAMW_WEIGHTS, { weights, moments }, { keep, stepSize, epsilon } as never) as tf.Tensor;
  return tf.reshape(flat, weights.shape);
}
