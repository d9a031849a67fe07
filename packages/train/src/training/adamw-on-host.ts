/**
 * AdamW's update computed on the host, in JavaScript, for native TensorFlow on the CPU (adamw.ts
 * uses it there): each operation of adamw.ts's tensor update is done in float64 and rounded to
 * float32 (Math.fround), which gives exactly the float32 result TensorFlow's kernel gives, since
 * float64 holds every sum, product, quotient and square root of two float32 values closely enough
 * that one rounding to float32 is the correctly rounded float32 operation. So the weights are the
 * tensor update's bit for bit (test/train/training/adamw-on-host.test.ts).
 *
 * Why: the tensor update is 11 small kernels per variable, about 500 for a 45-variable model,
 * each costing tens of microseconds of dispatch whatever its size: 18 ms of a 400 ms step on a
 * 2-core CPU. On the host, reading each gradient and weight and writing the weight back, it is
 * about 4 ms for the seed's models (a few hundred thousand values). Where the tensors live on a
 * GPU, the copies would cost more than the kernels: adamw.ts keeps the tensor update there.
 */

export interface AdamWCoefficients {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  /** lr * sqrt(1 - beta2^t) / (1 - beta1^t). */
  readonly stepSize: number;
}

/**
 * One AdamW step of every value, in place: m and v are the moments, weights the variable's
 * values; gradient is read only. The operations and their order are adamw.ts's:
 *   m = m * beta1 + g * (1 - beta1);   v = v * beta2 + g^2 * (1 - beta2);
 *   w = w * (1 - weightDecay) - m / (sqrt(v) + epsilon) * stepSize.
 */
export function adamWStepOnHost(weights: Float32Array, gradient: Float32Array, m: Float32Array, v: Float32Array, c: AdamWCoefficients): void {
  const f = Math.fround;
  // Each scalar as the float32 scalar tensor tfjs would make of it.
  const beta1 = f(c.beta1);
  const oneMinusBeta1 = f(1 - c.beta1);
  const beta2 = f(c.beta2);
  const oneMinusBeta2 = f(1 - c.beta2);
  const epsilon = f(c.epsilon);
  const keep = f(1 - c.weightDecay);
  const stepSize = f(c.stepSize);
  for (let i = 0; i < weights.length; i++) {
    const g = gradient[i]!;
    const mi = f(f(m[i]! * beta1) + f(g * oneMinusBeta1));
    const vi = f(f(v[i]! * beta2) + f(f(g * g) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    const adam = f(mi / f(f(Math.sqrt(vi)) + epsilon));
    weights[i] = f(f(weights[i]! * keep) - f(adam * stepSize));
  }
}
