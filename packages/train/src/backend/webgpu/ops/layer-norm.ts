/**
 * Layer normalization over the last axis on webgpu in six shaders forward and backward together
 * (instead of about ten elementwise ops and reductions forward and fourteen backward), with the
 * formulas of layers/ops/layer-norm.ts (x^ = (x - mean) rstd, rstd = 1 / sqrt(var + eps),
 * g = dy gamma):
 *   stats   one invocation per row: [mean, rstd] (two-pass: the variance of x - mean);
 *   apply   y = x^ gamma + beta;
 *   backward, one invocation per row: [mean(g), mean(g x^)], then
 *   dx = rstd (g - mean(g) - x^ mean(g x^)), and per feature dgamma = sum dy x^, dbeta = sum dy.
 */
import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_EPSILON, type LayerNormForm } from '../../../layers/ops/layer-norm.js';
import { runFlatProgram } from '../flat-program.js';

const FEATURES = (features: number, epsilon: number) => [
  { name: 'features', type: 'i32' as const, value: features },
  { name: 'epsilon', type: 'f32' as const, value: epsilon },
];

/** [rows * 2]: mean and rstd of each row of X. */
function rowStatistics(x: tf.Tensor, features: number, epsilon: number): tf.Tensor1D {
  const rows = x.size / features;
  return runFlatProgram(
    {
      key: 'layer_norm_stats',
      inputs: ['X'],
      size: 2 * rows,
      invocations: rows,
      uniforms: FEATURES(features, epsilon),
      body: `
          let start = index * uniforms.features;
          var sum = 0.0;
          for (var i = 0; i < uniforms.features; i++) { sum += X[start + i]; }
          let mean = sum / f32(uniforms.features);
          var squares = 0.0;
          for (var i = 0; i < uniforms.features; i++) { let d = X[start + i] - mean; squares += d * d; }
          result[2 * index] = mean;
          result[2 * index + 1] = inverseSqrt(squares / f32(uniforms.features) + uniforms.epsilon);`,
    },
    [x],
  );
}

function apply(x: tf.Tensor, stats: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, features: number): tf.Tensor {
  const y = runFlatProgram(
    {
      key: 'layer_norm_apply',
      inputs: ['X', 'Stats', 'Gamma', 'Beta'],
      size: x.size,
      uniforms: [{ name: 'features', type: 'i32', value: features }],
      body: `
          let row = index / uniforms.features;
          let c = index - row * uniforms.features;
          setOutputAtIndex(index, (X[index] - Stats[2 * row]) * Stats[2 * row + 1] * Gamma[c] + Beta[c]);`,
    },
    [x, stats, gamma, beta],
  );
  return tf.reshape(y, x.shape);
}

/** [rows * 2]: mean(g) and mean(g x^) of each row, g = dy gamma. */
function rowGradientMeans(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, gamma: tf.Tensor, features: number): tf.Tensor1D {
  const rows = x.size / features;
  return runFlatProgram(
    {
      key: 'layer_norm_row_gradient_means',
      inputs: ['Dy', 'X', 'Stats', 'Gamma'],
      size: 2 * rows,
      invocations: rows,
      uniforms: [{ name: 'features', type: 'i32', value: features }],
      body: `
          let start = index * uniforms.features;
          let mean = Stats[2 * index];
          let rstd = Stats[2 * index + 1];
          var g = 0.0;
          var gx = 0.0;
          for (var c = 0; c < uniforms.features; c++) {
            let scaled = Dy[start + c] * Gamma[c];
            g += scaled;
            gx += scaled * (X[start + c] - mean) * rstd;
          }
          result[2 * index] = g / f32(uniforms.features);
          result[2 * index + 1] = gx / f32(uniforms.features);`,
    },
    [dy, x, stats, gamma],
  );
}

function inputGradient(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, means: tf.Tensor, gamma: tf.Tensor, features: number): tf.Tensor {
  const dx = runFlatProgram(
    {
      key: 'layer_norm_input_gradient',
      inputs: ['Dy', 'X', 'Stats', 'Means', 'Gamma'],
      size: x.size,
      uniforms: [{ name: 'features', type: 'i32', value: features }],
      body: `
          let row = index / uniforms.features;
          let c = index - row * uniforms.features;
          let rstd = Stats[2 * row + 1];
          let xHat = (X[index] - Stats[2 * row]) * rstd;
          setOutputAtIndex(index, rstd * (Dy[index] * Gamma[c] - Means[2 * row] - xHat * Means[2 * row + 1]));`,
    },
    [dy, x, stats, means, gamma],
  );
  return tf.reshape(dx, x.shape);
}

/** dgamma (withXHat) or dbeta: per feature, the sum over rows of dy x^ or of dy. */
function parameterGradient(dy: tf.Tensor, x: tf.Tensor, stats: tf.Tensor, features: number, withXHat: boolean): tf.Tensor1D {
  return runFlatProgram(
    {
      key: withXHat ? 'layer_norm_gamma_gradient' : 'layer_norm_beta_gradient',
      // Only what the shader reads: WebGPU drops unused bindings from the pipeline's layout.
      inputs: withXHat ? ['Dy', 'X', 'Stats'] : ['Dy'],
      size: features,
      uniforms: [
        { name: 'features', type: 'i32', value: features },
        { name: 'rows', type: 'i32', value: x.size / features },
      ],
      body: `
          var sum = 0.0;
          for (var row = 0; row < uniforms.rows; row++) {
            let at = row * uniforms.features + index;
            ${withXHat ? 'sum += Dy[at] * (X[at] - Stats[2 * row]) * Stats[2 * row + 1];' : 'sum += Dy[at];'}
          }
          setOutputAtIndex(index, sum);`,
    },
    withXHat ? [dy, x, stats] : [dy],
  );
}

/** Layer norm over the last axis with epsilon, on webgpu, with its written-out gradient. */
function layerNormOnWebgpu(epsilon: number): (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor {
  return tf.customGrad((x, gamma, beta, save) => {
    const input = x as tf.Tensor;
    const features = input.shape[input.rank - 1]!;
    const stats = rowStatistics(input, features, epsilon);
    (save as tf.GradSaveFunc)([input, stats, gamma as tf.Tensor]);
    return {
      value: apply(input, stats, gamma as tf.Tensor, beta as tf.Tensor, features),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, st, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const means = rowGradientMeans(dy, xs, st, g, features);
        return [inputGradient(dy, xs, st, means, g, features), parameterGradient(dy, xs, st, features, true), parameterGradient(dy, xs, st, features, false)];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
}

/** The layer norm of layers/ops/layer-norm.ts (epsilon 1e-6) on webgpu. */
export const layerNormFusedOnWebgpu: LayerNormForm = layerNormOnWebgpu(LAYER_NORM_EPSILON);
