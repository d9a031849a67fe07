/**
 * The only file of the exporter that touches onnxruntime-node: loads exported bytes with ONNX
 * Runtime's own loader and runs a batch of images through them on the CPU execution provider.
 */
import * as ort from 'onnxruntime-node';
import { MlpxError } from '@mlpx/train';

/** A loaded model (opaque to the rest of the exporter, which does not import onnxruntime-node). */
export type OnnxSession = ort.InferenceSession;

export interface OnnxOutputs {
  readonly logits: Float32Array;
  readonly logitsShape: readonly number[];
  readonly probabilities: Float32Array;
}

export async function loadOnnx(bytes: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  } catch (error) {
    throw new MlpxError(`ONNX Runtime rejected the exported model: ${(error as Error).message}`);
  }
}

/** Runs float32 `images` of the given shape (NHWC [n, h, w, c] for mlpx models) through a session. */
export async function runOnnx(session: ort.InferenceSession, images: Float32Array, shape: readonly number[]): Promise<OnnxOutputs> {
  const feeds = { images: new ort.Tensor('float32', images, [...shape]) };
  const results = await session.run(feeds);
  const logits = results['logits']!;
  return { logits: logits.data as Float32Array, logitsShape: logits.dims, probabilities: results['probabilities']!.data as Float32Array };
}
