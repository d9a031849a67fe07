/**
 * Checks an export against the model it came from: the same images through TensorFlow.js
 * (model.predict) and through ONNX Runtime, comparing logits (largest absolute difference, and
 * relative to the largest logit) and top-1 classes. A model passes when every difference is within
 * tolerance * max(1, largest |logit|) and top-1 agrees on every image.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { openSession, runBatch, type OnnxSession } from '@mlpx/infer/tooling';

export const DEFAULT_TOLERANCE = 1e-4;

export interface VerificationReport {
  readonly images: number;
  readonly maxLogitDifference: number;
  /** The largest |logit| of the TensorFlow.js output, the scale the tolerance is relative to. */
  readonly logitScale: number;
  readonly top1Agreement: number;
  readonly tolerance: number;
  readonly passed: boolean;
}

/** Images to verify with: seeded uniform 0-255 noise, plus an all-black and an all-white image. */
export function verificationImages(count: number, height: number, width: number, channels: number, seed = 1): Float32Array {
  const pixels = height * width * channels;
  const random = seedrandom.alea(String(seed));
  const images = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < pixels; p++) {
      images[i * pixels + p] = i === 0 ? 0 : i === 1 ? 255 : Math.floor(random() * 256);
    }
  }
  return images;
}

function argmaxRows(values: ArrayLike<number>, rows: number, columns: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < columns; c++) if (values[r * columns + c]! > values[r * columns + best]!) best = c;
    return best;
  });
}

/** A batch of images to verify with: float32 NHWC pixels and their shape [n, h, w, c]. */
export interface VerificationBatch {
  readonly images: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

async function compareBatch(model: tf.LayersModel, session: OnnxSession, { images, shape }: VerificationBatch, tolerance: number): Promise<VerificationReport> {
  const [count] = shape;
  const expectedTensor = tf.tidy(() => model.predict(tf.tensor4d(images, [...shape])) as tf.Tensor);
  const expected = (await expectedTensor.data()) as Float32Array;
  const classes = expectedTensor.shape[1]!;
  expectedTensor.dispose();
  const { logits } = await runBatch(session, images, shape);
  let maxDifference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDifference = Math.max(maxDifference, Math.abs(logits[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  const a = argmaxRows(expected, count, classes);
  const b = argmaxRows(logits, count, classes);
  const agreement = a.filter((cls, i) => cls === b[i]).length / count;
  const passed = logits.length === expected.length && maxDifference <= tolerance * Math.max(1, scale) && agreement === 1;
  return { images: count, maxLogitDifference: maxDifference, logitScale: scale, top1Agreement: agreement, tolerance, passed };
}

/** One report per batch, each batch run through the same ONNX Runtime session of `onnx`. */
export async function verifyExport(
  model: tf.LayersModel,
  onnx: Uint8Array,
  batches: readonly VerificationBatch[],
  tolerance = DEFAULT_TOLERANCE,
): Promise<VerificationReport[]> {
  const { session } = await openSession(onnx, ['cpu'], 'the exported model');
  try {
    const reports: VerificationReport[] = [];
    for (const batch of batches) reports.push(await compareBatch(model, session, batch, tolerance));
    return reports;
  } finally {
    await session.release();
  }
}
