/**
 * GELU on webgpu as one shader forward and one backward (instead of five elementwise ops forward
 * and about ten for autodiff's backward), with the formulas of layers/ops/gelu.ts:
 *   exact: x Phi(x),  Phi(x) = 0.5 (1 + erf(x / sqrt 2));  GELU'(x) = Phi(x) + x phi(x)
 *   tanh:  0.5 x (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3)
 * WGSL has no erf: the shader uses Abramowitz & Stegun 7.1.26 (error below 1.5e-7), as tfjs's own
 * webgpu Erf kernel does.
 */
import * as tf from '@tensorflow/tfjs';
import type { GeluApproximation, GeluForm } from '../../../layers/ops/gelu.js';
import { runFlatProgram } from '../flat-program.js';

const FUNCTIONS = `
  fn mlpxErf(v : f32) -> f32 {
    let p = 0.3275911;
    let a1 = 0.254829592; let a2 = -0.284496736; let a3 = 1.421413741; let a4 = -1.453152027; let a5 = 1.061405429;
    let s = sign(v);
    let a = abs(v);
    let t = 1.0 / (1.0 + p * a);
    return s * (1.0 - (((((a5 * t + a4) * t) + a3) * t + a2) * t + a1) * t * exp(-a * a));
  }
  fn mlpxTanh(v : f32) -> f32 {
    let e = exp(-2.0 * abs(v));
    return sign(v) * (1.0 - e) / (1.0 + e);
  }
  fn geluExact(x : f32) -> f32 { return 0.5 * x * (1.0 + mlpxErf(x * 0.7071067811865476)); }
  fn geluExactSlope(x : f32) -> f32 {
    return 0.5 * (1.0 + mlpxErf(x * 0.7071067811865476)) + x * 0.3989422804014327 * exp(-0.5 * x * x);
  }
  fn geluTanh(x : f32) -> f32 { return 0.5 * x * (1.0 + mlpxTanh(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
  fn geluTanhSlope(x : f32) -> f32 {
    let t = mlpxTanh(0.7978845608028654 * (x + 0.044715 * x * x * x));
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * x * x);
  }
`;

const name = (approximation: GeluApproximation): string => (approximation === 'exact' ? 'Exact' : 'Tanh');

function forward(x: tf.Tensor, approximation: GeluApproximation): tf.Tensor {
  const y = runFlatProgram(
    { key: `gelu_${approximation}`, inputs: ['X'], size: x.size, functions: FUNCTIONS, body: `setOutputAtIndex(index, gelu${name(approximation)}(X[index]));` },
    [x],
  );
  return tf.reshape(y, x.shape);
}

function backward(dy: tf.Tensor, x: tf.Tensor, approximation: GeluApproximation): tf.Tensor {
  const dx = runFlatProgram(
    {
      key: `gelu_${approximation}_backward`,
      inputs: ['Dy', 'X'],
      size: x.size,
      functions: FUNCTIONS,
      body: `setOutputAtIndex(index, Dy[index] * gelu${name(approximation)}Slope(X[index]));`,
    },
    [dy, x],
  );
  return tf.reshape(dx, x.shape);
}

const withGradient = {
  exact: tf.customGrad((x, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor]);
    return { value: forward(x as tf.Tensor, 'exact'), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0]!, 'exact') };
  }) as (x: tf.Tensor) => tf.Tensor,
  tanh: tf.customGrad((x, save) => {
    (save as tf.GradSaveFunc)([x as tf.Tensor]);
    return { value: forward(x as tf.Tensor, 'tanh'), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backward(dy, saved[0]!, 'tanh') };
  }) as (x: tf.Tensor) => tf.Tensor,
};

/** gelu(x) on webgpu: one dispatch forward, one backward. */
export const geluOnWebgpu: GeluForm = (x, approximation) => withGradient[approximation](x);
