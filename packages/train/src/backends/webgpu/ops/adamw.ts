/**
 * AdamW's update as two WGSL shaders per weight on webgpu (../flat-program.ts),
 * instead of the thirteen elementwise ops (and their scalar uploads) of the generic form:
 *
 *   moments  [m; v] (one buffer of 2n) and the gradient g -> the new [m; v]
 *            m' = beta1 m + (1 - beta1) g,   v' = beta2 v + (1 - beta2) g^2
 *   weights  w and the new [m; v] -> w' = (1 - decay) w - stepSize m' / (sqrt(v') + eps)
 *
 * The constants travel as uniforms, so a step uploads nothing. This is the webgpu form of
 * training/adamw.ts's update, which the other backends compute with tfjs ops;
 * test/train/training/adamw-webgpu.test.ts checks the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamW, AdamWUpdateForm } from '../../../training/adamw.js';
import { runFlatProgram } from '../flat-program.js';

/** [m; v] after one step with `gradient` (flat, 2n values), with the optimizer's decay rates. */
function adamWMoments(moments: tf.Tensor1D, gradient: tf.Tensor, rates: Pick<AdamW, 'beta1' | 'beta2'>): tf.Tensor1D {
  const { beta1, beta2 } = rates;
  const n = gradient.size;
  return runFlatProgram(
    {
      key: 'adamw_moments',
      inputs: ['Moments', 'G'],
      size: 2 * n,
      // 1 - beta is computed here (float64, then rounded), as the generic form's scalar is:
      // 1.0 - beta in float32 differs from it by about 1e-5 relative for beta2 = 0.999.
      uniforms: [
        { name: 'half', type: 'i32', value: n },
        { name: 'beta1', type: 'f32', value: beta1 },
        { name: 'oneMinusBeta1', type: 'f32', value: 1 - beta1 },
        { name: 'beta2', type: 'f32', value: beta2 },
        { name: 'oneMinusBeta2', type: 'f32', value: 1 - beta2 },
      ],
      body: `
          if (index < uniforms.half) {
            setOutputAtIndex(index, Moments[index] * uniforms.beta1 + G[index] * uniforms.oneMinusBeta1);
          } else {
            let g = G[index - uniforms.half];
            setOutputAtIndex(index, Moments[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2);
          }`,
    },
    [moments, gradient],
  );
}

/** One step's constants for the weights: keep = 1 - weight decay, Adam's step size and epsilon. */
interface WeightStep {
  readonly keep: number;
  readonly stepSize: number;
  readonly epsilon: number;
}

/** The weights after one step, in their own shape (the reshape is a view, no dispatch). */
function adamWWeights(weights: tf.Tensor, moments: tf.Tensor1D, step: WeightStep): tf.Tensor {
  const { keep, stepSize, epsilon } = step;
  const n = weights.size;
  const flat = runFlatProgram(
    {
      key: 'adamw_weights',
      inputs: ['W', 'Moments'],
      size: n,
      uniforms: [
        { name: 'half', type: 'i32', value: n },
        { name: 'keep', type: 'f32', value: keep },
        { name: 'stepSize', type: 'f32', value: stepSize },
        { name: 'epsilon', type: 'f32', value: epsilon },
      ],
      body: `
          let adam = Moments[index] / (sqrt(Moments[index + uniforms.half]) + uniforms.epsilon);
          setOutputAtIndex(index, W[index] * uniforms.keep - adam * uniforms.stepSize);`,
    },
    [weights, moments],
  );
  return tf.reshape(flat, weights.shape);
}

/** The update on webgpu: per weight, its [m; v] (packedMomentsOf) then the weight, each one shader. */
export const adamWUpdateOnWebgpu: AdamWUpdateForm = (optimizer, variables, gradients, stepSize) => {
  tf.tidy(() => {
    variables.forEach((variable, i) => {
      const packed = optimizer.packedMomentsOf(variable);
      packed.assign(adamWMoments(packed as tf.Tensor as tf.Tensor1D, gradients[i]!, optimizer));
      variable.assign(adamWWeights(variable, packed as tf.Tensor as tf.Tensor1D, { keep: 1 - optimizer.weightDecay, stepSize, epsilon: optimizer.epsilon }));
    });
  });
};
