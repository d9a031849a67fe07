/**
 * The real part of the 2-D DFT over the last two axes of [B, N, D] (FNet's token mixing):
 *   out[n, k] = Re sum_m sum_j X[m, j] w_N^(n m) w_D^(j k),   w_K = exp(-2 pi i / K).
 * Two forms:
 *
 * matmul (every opset, every execution provider): matrix products whose constants are computed
 *   here in float64 and rounded once to float32. The factored form (below) when D splits into
 *   R1 x R2 with both at least 2 and N is at least 2; otherwise the dense form
 *     Y = X [C_D | S_D],  Split, Concat along the patch axis,  out = [C_N | -S_N] (that)
 *   with C_K = cos(2 pi j k / K), S_K = sin(...), since Re(F_N X F_D) = C_N X C_D - S_N X S_D.
 *
 * dft (opset 17+): Unsqueeze a trailing real axis, DFT over the channel axis, DFT over the patch
 *   axis (complex in, complex out), Gather the real part. Opset 20 moved DFT's axis from an
 *   attribute to an input.
 *
 * The factored form (Cooley-Tukey on the channel axis, the real input's symmetry on the patch
 * axis), 4.4 MFLOP per image at N = 64, D = 256 against the dense form's 21:
 *
 *  1. patches: g_p = sum_m w_N^(p m) X[m] for p = 0..N/2 only, as 2 real rows each (re, im):
 *     one MatMul [2P, N] x [B, N, D]. The other rows are conjugates, g_(N-p) = conj(g_p), since X
 *     is real.
 *  2. channels, first stage: with j = R2 a + b, each complex row's DFT of length R1 over a,
 *     Z[b, k1] = sum_a w_R1^(a k1) h[R2 a + b]: the [B*P, 2 R1, R2] view of step 1's output (its
 *     rows (re|im, a), its columns b) multiplied from the left by one [2 R1, 2 R1] matrix, whose
 *     rows are (k1, re|im).
 *  3. regroup (Gather): the rows of step 2 ordered by output row n and by k1, so that the last
 *     stage is one batched MatMul over k1.
 *  4. channels, second stage: with k = k1 + R1 k2,
 *       Re DFT(h)[k] = sum_b cos(2 pi b k / D) Re Z[b, k1] + sin(2 pi b k / D) Im Z[b, k1],
 *     the twiddle factors w_D^(b k1) folded into one [2 R2, R2] matrix per k1.
 *     An output row n > N/2 is the transform of a conjugate row: Re DFT(conj g)[k] =
 *     Re DFT(g)[-k], whose first stage is Z's group (R1 - k1) mod R1, so the regroup picks that
 *     group and the matrix uses -k. Even N: rows 0..N/2-1 and N/2..N-1 are two halves of one
 *     batched MatMul, each with its own matrices. Odd N: step 2 also computes the conjugate
 *     rows' groups (a second set of R1 rows in its matrix), and one set of matrices serves all.
 *  5. a Transpose from (k1, k2) to k = k1 + R1 k2, and a Reshape to [B, N, D].
 *
 * In an int8 graph (onnx/numerics.ts) the second stage is int8 too: QuantizeLinear of the first
 * stage's output before the regroup, MatMulIntegerToFloat with the matrices in int8 (one scale:
 * they are cosines and sines); the other stages stay float32.
 *
 * On onnxruntime's CPU EP (1.30, batch 128, 64 x 256) the factored form ran 2.5x as fast as the
 * dense one (BENCHMARKS.md, "FNet's Fourier transform"); the dense form was in turn about ten
 * times faster than the DFT operator (docs/toolchain-notes.md).
 */
import { realDftMatrices } from '@mlpx/train';
import { attr } from '../onnx/attributes.js';
import { type GraphBuilder, MICROSOFT_DOMAIN } from '../onnx/graph-builder.js';
import { quantizePerTensor } from './int8-dense.js';

/** FNet's Fourier transform: 'matmul' (matrix products, every opset and execution provider) or 'dft' (the DFT operator, opset 17+). */
export const FFT_MODES = ['matmul', 'dft'] as const;
export type FftMode = (typeof FFT_MODES)[number];

export const MIN_DFT_OPSET = 17;

/** The [N, D] a transform runs over: N patches, D channels. */
export interface DftSize {
  readonly patches: number;
  readonly channels: number;
}

/** The factored form's size, with the split of its channels D = R1 x R2 (channelFactors). */
interface FactoredDftSize extends DftSize {
  readonly factors: readonly [number, number];
}

/** The transform realDft2d writes: its size, and its form ('matmul' or 'dft', the operator). */
export interface RealDft2dTransform extends DftSize {
  readonly mode: FftMode;
}

/** 2 pi (num mod den) / den: the integer reduction keeps large products exact. */
function angle(num: number, den: number): number {
  return (2 * Math.PI * (((num % den) + den) % den)) / den;
}

/** The channel axis split D = R1 x R2 of the factored form: the divisor closest to sqrt(D) (R1 <= R2), or undefined. */
export function channelFactors(channels: number): [number, number] | undefined {
  for (let r1 = Math.floor(Math.sqrt(channels)); r1 >= 2; r1--) {
    if (channels % r1 === 0) return [r1, channels / r1];
  }
  return undefined;
}

function realDft2dDense(graph: GraphBuilder, x: string, size: DftSize, name: string): string {
  const { patches, channels } = size;
  const { right, left } = realDftMatrices(patches, channels);
  const y = graph.op('MatMul', [x, graph.floatConstant(`${name}/cos_sin_channels`, right, [channels, 2 * channels])], { name: `${name}/channels` });
  const [cosPart, sinPart] = graph.node('Split', [y, graph.int64Constant(`${name}/split_sizes`, [channels, channels])], {
    name: `${name}/split`,
    attributes: { axis: attr.int(2) },
    outputs: 2,
  }) as [string, string];
  const stacked = graph.op('Concat', [cosPart, sinPart], { name: `${name}/stack`, attributes: { axis: attr.int(1) } });
  return graph.op('MatMul', [graph.floatConstant(`${name}/cos_minus_sin_patches`, left, [patches, 2 * patches]), stacked], { name: `${name}/patches` });
}

/** Step 1's rows: (p, re) = cos(2 pi p m / N), (p, im) = -sin(...), p = 0..floor(N/2). */
function patchRows(patches: number): Float32Array {
  const rows = Math.floor(patches / 2) + 1;
  const values = new Float32Array(2 * rows * patches);
  for (let p = 0; p < rows; p++) {
    for (let m = 0; m < patches; m++) {
      const t = angle(p * m, patches);
      values[2 * p * patches + m] = Math.cos(t);
      values[(2 * p + 1) * patches + m] = -Math.sin(t);
    }
  }
  return values;
}

/**
 * Step 2's matrix, rows (set, k1, re|im), columns (re|im, a): set 0 transforms the row h, set 1
 * (odd N only) its conjugate.
 */
function firstStage(r1: number, sets: 1 | 2): Float32Array {
  const values = new Float32Array(sets * 2 * r1 * 2 * r1);
  for (let set = 0; set < sets; set++) {
    const imaginarySign = set === 0 ? 1 : -1;
    for (let k1 = 0; k1 < r1; k1++) {
      const re = (set * r1 + k1) * 2 * 2 * r1;
      const im = re + 2 * r1;
      for (let a = 0; a < r1; a++) {
        const t = angle(a * k1, r1);
        values[re + a] = Math.cos(t); // Re Z = cos Re h + sin Im h
        values[re + r1 + a] = imaginarySign * Math.sin(t);
        values[im + a] = -Math.sin(t); // Im Z = cos Im h - sin Re h
        values[im + r1 + a] = imaginarySign * Math.cos(t);
      }
    }
  }
  return values;
}

/** Step 4's matrices [halves, R1, 2 R2, R2]: for k = sign (k1 + R1 k2), cos and sin of 2 pi b k / D. */
function secondStage(r1: number, r2: number, signs: readonly number[]): Float32Array {
  const channels = r1 * r2;
  const values = new Float32Array(signs.length * r1 * 2 * r2 * r2);
  signs.forEach((sign, half) => {
    for (let k1 = 0; k1 < r1; k1++) {
      const base = (half * r1 + k1) * 2 * r2 * r2;
      for (let b = 0; b < r2; b++) {
        for (let k2 = 0; k2 < r2; k2++) {
          const t = angle(sign * b * (k1 + r1 * k2), channels);
          values[base + b * r2 + k2] = Math.cos(t);
          values[base + (r2 + b) * r2 + k2] = Math.sin(t);
        }
      }
    }
  });
  return values;
}

function realDft2dFactored(graph: GraphBuilder, x: string, size: FactoredDftSize, name: string): string {
  const {
    patches,
    channels,
    factors: [r1, r2],
  } = size;
  const rows = Math.floor(patches / 2) + 1;
  const even = patches % 2 === 0;
  const sets = even ? 1 : 2;
  const complexRows = graph.op('MatMul', [graph.floatConstant(`${name}/patch_rows`, patchRows(patches), [2 * rows, patches]), x], { name: `${name}/patches` });
  const firstView = graph.op('Reshape', [complexRows, graph.int64Constant(`${name}/first_stage_view`, [-1, 2 * r1, r2])], { name: `${name}/first_stage_view` });
  const first = graph.op('MatMul', [graph.floatConstant(`${name}/first_stage`, firstStage(r1, sets), [sets * 2 * r1, 2 * r1]), firstView], {
    name: `${name}/channels_first_stage`,
  });
  // first: [B*P, (set, k1, re|im), b] = [B, P * sets * R1, 2 R2] as rows of 2 R2 values.
  const groups = graph.op('Reshape', [first, graph.int64Constant(`${name}/groups_view`, [-1, rows * sets * r1, 2 * r2])], { name: `${name}/groups_view` });
  const group = (p: number, set: number, k1: number): number => (p * sets + set) * r1 + k1;
  const mirrored = (k1: number): number => (r1 - k1) % r1;
  const order: number[] = [];
  let orderDims: number[];
  let secondDims: number[];
  let signs: number[];
  let perm: number[];
  if (even) {
    // [2 halves, R1, N/2]: half 0 holds rows n = q, half 1 rows n = N/2 + q (the conjugate of p = N/2 - q).
    const half = patches / 2;
    for (let h = 0; h < 2; h++)
      for (let k1 = 0; k1 < r1; k1++) for (let q = 0; q < half; q++) order.push(h === 0 ? group(q, 0, k1) : group(half - q, 0, mirrored(k1)));
    orderDims = [2, r1, half];
    secondDims = [2, r1, 2 * r2, r2];
    signs = [1, -1];
    perm = [0, 1, 3, 4, 2]; // [B, 2, R1, N/2, R2] -> [B, 2, N/2, R2, R1]
  } else {
    // [R1, N]: row n <= N/2 is p = n; row n > N/2 the conjugate of p = N - n, from set 1.
    for (let k1 = 0; k1 < r1; k1++) for (let n = 0; n < patches; n++) order.push(n < rows ? group(n, 0, k1) : group(patches - n, 1, k1));
    orderDims = [r1, patches];
    secondDims = [r1, 2 * r2, r2];
    signs = [1];
    perm = [0, 2, 3, 1]; // [B, R1, N, R2] -> [B, N, R2, R1]
  }
  const secondName = `${name}/channels_second_stage`;
  const { numerics } = graph;
  numerics.onDenseInput?.(secondName, groups);
  const activation = numerics.precision === 'int8' ? numerics.activations?.get(secondName) : undefined;
  const gather = (values: string): string =>
    graph.op('Gather', [values, graph.int64Constant(`${name}/regroup_order`, order, orderDims)], {
      name: `${name}/regroup`,
      attributes: { axis: attr.int(1) },
    });
  const matrices = secondStage(r1, r2, signs);
  let second: string;
  if (activation) {
    // int8: the first stage's output quantized before the regroup (which then moves a quarter of
    // the bytes), the second stage as MatMulIntegerToFloat with its cosines and sines in int8.
    const scale = graph.floatConstant(`${name}/second_stage_input_scale`, Float32Array.of(activation.scale), []);
    const zeroPoint = graph.uint8Constant(`${name}/second_stage_input_zero_point`, Uint8Array.of(activation.zeroPoint), []);
    const quantized = graph.op('QuantizeLinear', [groups, scale, zeroPoint], { name: `${name}/quantize_first_stage` });
    const weights = quantizePerTensor(matrices);
    second = graph.op(
      'MatMulIntegerToFloat',
      [
        gather(quantized),
        graph.int8Constant(`${name}/second_stage_int8`, weights.values, secondDims),
        scale,
        graph.floatConstant(`${name}/second_stage_scale`, Float32Array.of(weights.scale), []),
        zeroPoint,
      ],
      { name: secondName, domain: MICROSOFT_DOMAIN },
    );
  } else {
    second = graph.op('MatMul', [gather(groups), graph.floatConstant(`${name}/second_stage`, matrices, secondDims)], { name: secondName });
  }
  const ordered = graph.op('Transpose', [second], { name: `${name}/channel_order`, attributes: { perm: attr.ints(perm) } });
  return graph.op('Reshape', [ordered, graph.int64Constant(`${name}/output_shape`, [-1, patches, channels])], { name: `${name}/output` });
}

function dftNode(graph: GraphBuilder, x: string, axis: number, name: string): string {
  const attributes = { onesided: attr.int(0), inverse: attr.int(0) };
  if (graph.opset >= 20) {
    return graph.op('DFT', [x, '', graph.int64Constant(`${name}/axis`, [axis], [])], { name, attributes });
  }
  return graph.op('DFT', [x], { name, attributes: { ...attributes, axis: attr.int(axis) } });
}

function realDft2dOperator(graph: GraphBuilder, x: string, name: string): string {
  if (graph.opset < MIN_DFT_OPSET) throw new Error(`--fft dft needs opset ${MIN_DFT_OPSET} or later (the DFT operator); got ${graph.opset}`);
  const real = graph.op('Unsqueeze', [x, graph.int64Constant(`${name}/complex_axis`, [-1])], { name: `${name}/as_real_signal` });
  const overChannels = dftNode(graph, real, 2, `${name}/dft_channels`);
  const overPatches = dftNode(graph, overChannels, 1, `${name}/dft_patches`);
  return graph.op('Gather', [overPatches, graph.int64Constant(`${name}/real_index`, [0], [])], {
    name: `${name}/real_part`,
    attributes: { axis: attr.int(-1) },
  });
}

/** Which matmul form a [N, D] transform gets: 'factored' or 'dense'. */
export function matmulForm(patches: number, channels: number): 'factored' | 'dense' {
  return patches >= 2 && channelFactors(channels) !== undefined ? 'factored' : 'dense';
}

export function realDft2d(graph: GraphBuilder, x: string, transform: RealDft2dTransform, name: string): string {
  const { patches, channels, mode } = transform;
  if (mode === 'dft') return realDft2dOperator(graph, x, name);
  const factors = channelFactors(channels);
  return patches >= 2 && factors ? realDft2dFactored(graph, x, { patches, channels, factors }, name) : realDft2dDense(graph, x, { patches, channels }, name);
}
