/**
 * Every model family, trained briefly on Fashion-MNIST, exported at opset 13 (matmul Fourier
 * transform) and 17 (both forms): logits within 1e-4 and identical top-1 against TensorFlow.js on
 * real images and random pixels, at batch 1, 7 and 128; every model passes the ONNX checker.
 */
import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { decodeModel } from '@mlpx/core/src/onnx/schema.js';
import { summarizeOnnx } from '@mlpx/export/src/onnx-summary.js';
import { verificationImages, verifyExport } from '@mlpx/export/src/verify/verify-export.js';
import { MODEL_NAMES } from '@mlpx/train/src/models/model-config.js';
import { casesOf } from '../families/family-cases.js';
import { useBackend } from '../helpers/backend.js';
import { checkOnnxModel } from '../helpers/onnx-checker.js';
import { fashionTestImages, trainedModel } from '../helpers/trained-models.js';

useBackend('wasm');

const PIXELS = 28 * 28;
const EXPORTS = [
  { opset: 13, fft: 'matmul' },
  { opset: 17, fft: 'matmul' },
  { opset: 17, fft: 'dft' },
] as const;

describe.each(MODEL_NAMES)('%s exported to ONNX', (name) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    model = await trainedModel(name);
  }, 120_000);
  afterAll(() => model.dispose());

  for (const { opset, fft } of EXPORTS) {
    it(`opset ${opset}, --fft ${fft}: matches TensorFlow.js on real and random images at batch 1, 7 and 128`, async () => {
      const bytes = exportToOnnx(model, { opset, converterOptions: { fft } });
      await checkOnnxModel(bytes);
      const real = await fashionTestImages(128);
      const random = verificationImages(128, 28, 28, 1, 3);
      const batches = [real, random].flatMap((images) =>
        [1, 7, 128].map((batch) => ({ images: images.subarray(0, batch * PIXELS), shape: [batch, 28, 28, 1] as const })),
      );
      const reports = await verifyExport(model, bytes, batches, 1e-4);
      expect(reports).toHaveLength(6);
      for (const report of reports) {
        expect(report.top1Agreement).toBe(1);
        expect(report.maxLogitDifference).toBeLessThan(1e-4 * Math.max(1, report.logitScale));
        expect(report.passed).toBe(true);
      }
    });
  }

  it('has a clean graph: no Identity, no Transpose pairs, readable names', () => {
    const bytes = exportToOnnx(model, { opset: 17 });
    const graph = decodeModel(bytes).graph;
    const nodes = graph.node ?? [];
    expect(nodes.filter((n) => n.op_type === 'Identity')).toEqual([]);
    const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
    for (const node of nodes.filter((n) => n.op_type === 'Transpose')) {
      expect(producer.get(node.input![0]!)?.op_type).not.toBe('Transpose');
    }
    // NHWC -> NCHW and back around the Resize, and the patch grid, and what the family's blocks add (its cases).
    expect(summarizeOnnx(bytes).operators['Transpose']).toBe(casesOf(name).exportedTransposes);
    expect(nodes.every((n) => n.name && /^[a-z_0-9]+(\/[A-Za-z_0-9]+)*(_\d+)?$/.test(n.name))).toBe(true);
    expect(nodes.some((n) => n.name!.startsWith(`${name}_block_1/`))).toBe(true);
    const opNames = graph.input!.map((v) => v.name).concat(graph.output!.map((v) => v.name));
    expect(opNames).toEqual(['images', 'logits', 'probabilities']);
    expect(graph.input![0]!.type!.tensor_type!.shape!.dim!.map((d) => d.dim_param ?? d.dim_value)).toEqual(['batch', 28, 28, 1]);
  });
});
