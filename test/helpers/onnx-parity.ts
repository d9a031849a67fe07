/**
 * The one parity check every converter test uses: export a tfjs model, run the same input through
 * tfjs predict and onnxruntime-node, compare with expectClose (`relative` x max(largest |output|, 1),
 * default 1e-5: test/helpers/closeness.ts), and pass
 * the ONNX checker (opsets it knows). Returns the exported bytes for further assertions.
 */
import type * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { exportToOnnx, type ExportOptions } from '@mlpx/export/src/export-to-onnx.js';
import { openSession, runBatch } from '@mlpx/infer/src/runtime/onnxruntime-node.js';
import { expectClose } from './closeness.js';
import { CHECKER_MAX_OPSET, checkOnnxModel } from './onnx-checker.js';

export async function expectOnnxParity(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: ExportOptions & { relative?: number } = {},
): Promise<{ bytes: Uint8Array; maxDifference: number }> {
  const bytes = exportToOnnx(model, options);
  if ((options.opset ?? 17) <= CHECKER_MAX_OPSET) await checkOnnxModel(bytes);
  const expectedTensor = model.predict(input) as tf.Tensor;
  const expected = await expectedTensor.data();
  const { session } = await openSession(bytes, ['cpu'], 'the exported model');
  try {
    const actual = await runBatch(session, Float32Array.from(await input.data()), input.shape);
    expect([...actual.logitsShape]).toEqual(expectedTensor.shape);
    const { difference } = expectClose(actual.logits, expected, { relative: options.relative ?? 1e-5, scaleFloor: 1, what: 'onnxruntime vs tfjs' });
    return { bytes, maxDifference: difference };
  } finally {
    expectedTensor.dispose();
    await session.release();
  }
}
