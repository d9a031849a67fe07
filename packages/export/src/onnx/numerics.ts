/**
 * The numbers a graph computes in, which the emitters consult as they write nodes (GraphBuilder's
 * `numerics`, given by the exporter):
 *
 * fp32: float32 throughout (the default, checked against TensorFlow.js to 1e-4).
 * int8: each dense layer over the last axis (emit/dense.ts denseLastAxis: the patch embedding, the
 *   blocks' feed-forward and channel layers) with a calibrated input becomes QuantizeLinear (uint8,
 *   the calibrated per-tensor scale and zero point) + MatMulIntegerToFloat (com.microsoft: int8
 *   kernel quantized symmetrically per output channel, float32 out with the bias added); every
 *   other node stays float32 but FNet's second channel stage (emit/real-dft2d.ts); emit/int8-dense.ts
 *   says why, with the measurements.
 * fp16: float16 values between a Cast after the input's normalization and a Cast before the
 *   logits (export-to-onnx.ts sets the graph's floatType for each layer).
 * A calibration build (precision/calibrate.ts) is fp32 with `onDenseInput` set: it learns which
 * values the int8 layers read, to run them as extra outputs.
 */
import type { ModelPrecision } from '@mlpx/core';

export type Precision = ModelPrecision;
export const PRECISIONS: readonly Precision[] = ['fp32', 'int8', 'fp16'];

/** Per-tensor asymmetric uint8 quantization of an activation: q = clamp(round(x / scale) + zeroPoint, 0, 255). */
export interface ActivationQuantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface Numerics {
  readonly precision: Precision;
  /** int8: the quantization of each quantized dense layer's input, by the layer's node name; a layer not here stays float32. */
  readonly activations?: ReadonlyMap<string, ActivationQuantization>;
  /** Called by every dense layer that int8 would quantize, with its node name and its input value. */
  readonly onDenseInput?: (name: string, value: string) => void;
}

export const FP32: Numerics = { precision: 'fp32' };
