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

/** The layer norm's input, its rows' statistics ([mean, rstd] per row) and its feature count. */
interface StandardizedRows {
  readonly x: tf.Tensor;
  readonly stats: tf.Tensor;
  readonly features: number;
}

/** What the backward shaders read: the upstream gradient, the standardized rows, and gamma. */
interface LayerNormBackward extends StandardizedRows {
  readonly dy: tf.Tensor;
  readonly gamma: tf.Tensor;
}

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

function apply(rows: StandardizedRows, parameters: { readonly gamma: tf.Tensor; readonly beta: tf.Tensor }): tf.Tensor {
  const { x, stats, features } = rows;
  const { gamma, beta } = parameters;
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
function rowGradientMeans(backward: LayerNormBackward): tf.Tensor1D {
  const { dy, x, stats, gamma, features } = backward;
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

/** dx, from the row means of rowGradientMeans. */
function inputGradient(backward: LayerNormBackward, means: tf.Tensor): tf.Tensor {
  const { dy, x, stats, gamma, features } = backward;
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

/** dgamma or dbeta: per feature, the sum over rows of dy x^ or of dy. */
function parameterGradient(backward: LayerNormBackward, parameter: 'gamma' | 'beta'): tf.Tensor1D {
  const { dy, x, stats, features } = backward;
  const withXHat = parameter === 'gamma';
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
    // Saved in this order: x, stats, gamma.
    (save as tf.GradSaveFunc)([input, stats, gamma as tf.Tensor]);
    return {
      value: apply({ x: input, stats, features }, { gamma: gamma as tf.Tensor, beta: beta as tf.Tensor }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, st, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const backward: LayerNormBackward = { dy, x: xs, stats: st, gamma: g, features };
        const means = rowGradientMeans(backward);
        return [inputGradient(backward, means), parameterGradient(backward, 'gamma'), parameterGradient(backward, 'beta')];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
}

/** The layer norm of layers/ops/layer-norm.ts (epsilon 1e-6) on webgpu. */
export const layerNormFusedOnWebgpu: LayerNormForm = layerNormOnWebgpu(LAYER_NORM_EPSILON);
