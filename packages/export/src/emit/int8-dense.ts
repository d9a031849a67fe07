/**
 * A dense layer over the last axis in int8, for onnxruntime's CPU EP (and onnxruntime-web's wasm,
 * the same kernels):
 *   xq = QuantizeLinear(x, s_x, z_x)                    uint8, the calibrated per-tensor range
 *   y  = MatMulIntegerToFloat(xq, Wq, s_x, s_W, z_x, -, b)   com.microsoft, float32 out
 * Wq is the kernel quantized symmetrically per output channel (column): s_W[n] = max_k |W[k, n]| / 127,
 * Wq = round(W / s_W) in [-127, 127], zero point 0. Activations are uint8 with a zero point: MLAS's
 * int8 GEMM is fastest with unsigned activations and signed weights (u8s8, AVX-512 VNNI here).
 *
 * Why this form, measured on onnxruntime-node 1.30's CPU EP ([128 x 64, K] x [K, N], 2 cores,
 * BENCHMARKS.md "int8"): it ran 1.7x to 3x as fast as the float32 MatMul at every shape of the
 * three models (K, N from 16 to 512), as fast as or faster than DynamicQuantizeMatMul (which
 * also makes each image's result depend on the other images of its batch, through the batch's
 * range) and than the QDQ form (QuantizeLinear, DequantizeLinear, MatMul) onnxruntime fuses.
 * Dense layers over the patch axis (the constant on the left: MLP-Mixer's token mixing, gMLP's
 * spatial projection) stay float32: MatMulIntegerToFloat has no kernel for an int8 left operand,
 * and MatMulInteger with Cast and Mul ran at half the float32 speed. FNet's Fourier transform, the
 * layer norms and GELU stay float32, and so does FNet's Fourier transform but for its second
 * channel stage (emit/real-dft2d.ts), which is a right multiplication too.
 */
import type { DenseWeights } from './dense-weights.js';
import { type GraphBuilder, MICROSOFT_DOMAIN } from '../onnx/graph-builder.js';
import type { ActivationQuantization } from '../onnx/numerics.js';

/** Symmetric int8 per column of a row-major [rows, columns] kernel: the int8 values and each column's scale. */
export function quantizePerColumn(kernel: Float32Array, rows: number, columns: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(columns);
  for (let c = 0; c < columns; c++) {
    let largest = 0;
    for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(kernel[r * columns + c]!));
    scales[c] = largest > 0 ? largest / 127 : 1;
  }
  const values = new Int8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) values[r * columns + c] = Math.max(-127, Math.min(127, Math.round(kernel[r * columns + c]! / scales[c]!)));
  }
  return { values, scales };
}

/** Symmetric int8 with one scale for all values (max |v| / 127). */
export function quantizePerTensor(values: Float32Array): { values: Int8Array; scale: number } {
  let largest = 0;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  const scale = largest > 0 ? largest / 127 : 1;
  return { values: Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale)))), scale };
}

/** The uint8 quantization covering [low, high] (widened to hold 0, which must be exact). */
export function activationQuantization(low: number, high: number): ActivationQuantization {
  const lo = Math.min(low, 0);
  const hi = Math.max(high, 0);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  return { scale, zeroPoint: Math.max(0, Math.min(255, Math.round(-lo / scale))) };
}

/** Each graph's quantized values, by value and quantization: dense layers reading the same input (gMLP's u and v) share one QuantizeLinear. */
const quantizedInputs = new WeakMap<GraphBuilder, Map<string, string>>();

export function int8DenseLastAxis(graph: GraphBuilder, x: string, weights: DenseWeights, activation: ActivationQuantization, name: string): string {
  const [rows, columns] = weights.kernel.shape as [number, number];
  const kernel = quantizePerColumn(weights.kernel.values, rows, columns);
  const scale = graph.floatConstant(`${name}/input_scale`, Float32Array.of(activation.scale), []);
  const zeroPoint = graph.uint8Constant(`${name}/input_zero_point`, Uint8Array.of(activation.zeroPoint), []);
  const cache = quantizedInputs.get(graph) ?? new Map<string, string>();
  quantizedInputs.set(graph, cache);
  const key = `${x}\u0000${scale}\u0000${zeroPoint}`;
  let quantized = cache.get(key);
  if (!quantized) {
    quantized = graph.op('QuantizeLinear', [x, scale, zeroPoint], { name: `${name}/quantize_input` });
    cache.set(key, quantized);
  }
  return graph.op(
    'MatMulIntegerToFloat',
    [
      quantized,
      graph.int8Constant(`${name}/kernel_int8`, kernel.values, [rows, columns]),
      scale,
      graph.floatConstant(`${name}/kernel_scales`, kernel.scales, [columns]),
      zeroPoint,
      '',
      graph.floatConstant(`${name}/bias`, weights.bias.values, weights.bias.shape),
    ],
    { name, domain: MICROSOFT_DOMAIN },
  );
}
