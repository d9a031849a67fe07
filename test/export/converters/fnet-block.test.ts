import { describe, expect, it } from 'vitest';
import { decodeModel } from '@mlpx/core/src/onnx/schema.js';
import { channelFactors, matmulForm } from '@mlpx/export/src/emit/real-dft2d.js';
import { fnetBlockConverter } from '@mlpx/export/src/converters/fnet-block.js';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { MAX_OPSET, MIN_OPSET } from '@mlpx/export/src/onnx/versions.js';
import { FNetBlock, type GeluApproximation } from '@mlpx/train/src/layers/index.js';
import { useBackend } from '../../helpers/backend.js';
import { expectOnnxParity } from '../../helpers/onnx-parity.js';
import { OPSETS_UNDER_TEST, randomInput, singleLayerModel } from '../../helpers/single-layer-model.js';

useBackend('wasm');

const EVERY_OPSET = Array.from({ length: MAX_OPSET - MIN_OPSET + 1 }, (_, i) => MIN_OPSET + i);

function operators(bytes: Uint8Array): string[] {
  return (decodeModel(bytes).graph.node ?? []).map((n) => n.op_type!);
}

/** The shapes of the graph's constants. */
function constantShapes(bytes: Uint8Array): string[] {
  return (decodeModel(bytes).graph.initializer ?? []).map((t) => (t.dims ?? []).join('x'));
}

describe('FNetBlock converter', () => {
  for (const gelu of ['exact', 'tanh'] as GeluApproximation[]) {
    for (const opset of OPSETS_UNDER_TEST) {
      it(`matches tfjs at opset ${opset}, ${gelu} GELU`, async () => {
        const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0.2, gelu }), [6, 8]);
        await expectOnnxParity(model, randomInput([3, 6, 8]), { opset });
      });
    }
  }
});

describe('FNetBlock converter, the factored matmul form of the Fourier transform', () => {
  it('splits the channel axis into the divisors closest to its square root, or not at all', () => {
    expect(channelFactors(256)).toEqual([16, 16]);
    expect(channelFactors(64)).toEqual([8, 8]);
    expect(channelFactors(8)).toEqual([2, 4]);
    expect(channelFactors(12)).toEqual([3, 4]);
    expect(channelFactors(7)).toBeUndefined();
    expect(matmulForm(64, 256)).toBe('factored');
    expect(matmulForm(49, 64)).toBe('factored');
    expect(matmulForm(1, 256)).toBe('dense');
    expect(matmulForm(6, 13)).toBe('dense');
  });

  // Even patch counts use two halves of one batched MatMul, odd ones a second set of first-stage
  // rows; 64 x 256 is the seed's FNet, 49 x 64 the Fashion-MNIST one of docs/training.md.
  for (const [patches, channels] of [
    [6, 8],
    [7, 12],
    [16, 32],
    [49, 64],
    [64, 256],
  ] as const) {
    for (const opset of EVERY_OPSET) {
      it(`${patches} patches x ${channels} channels matches tfjs at opset ${opset}`, async () => {
        const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0 }), [patches, channels]);
        const { bytes } = await expectOnnxParity(model, randomInput([2, patches, channels]), { opset });
        const ops = operators(bytes);
        expect(ops).toContain('Gather'); // the regroup between the two channel stages
        expect(ops).not.toContain('Split');
        expect(ops).not.toContain('SkipLayerNormalization');
        // No [D, 2D] cosine/sine matrix: the second stage's matrices, one per k1.
        expect(constantShapes(bytes)).not.toContain(`${channels}x${2 * channels}`);
        expect((decodeModel(bytes).graph.node ?? []).some((n) => n.name!.endsWith('/fourier/channels_second_stage/MatMul'))).toBe(true);
      }, 60_000);
    }
  }

  it('falls back to the dense cosine/sine matrices when the channel count is prime', async () => {
    const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0 }), [5, 7]);
    const { bytes } = await expectOnnxParity(model, randomInput([2, 5, 7]), { opset: 17 });
    expect(operators(bytes)).toContain('Split');
    expect(constantShapes(bytes)).toContain('7x14');
  });

  it("keeps layer norm out of onnxruntime's SkipLayerNormalization fusion: each LayerNormalization reads a 2-D view", async () => {
    const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0 }), [6, 8]);
    const { bytes } = await expectOnnxParity(model, randomInput([2, 6, 8]), { opset: 17 });
    const nodes = decodeModel(bytes).graph.node ?? [];
    const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
    const norms = nodes.filter((n) => n.op_type === 'LayerNormalization');
    expect(norms).toHaveLength(2);
    for (const norm of norms) expect(producer.get(norm.input![0]!)?.op_type).toBe('Reshape');
  });
});

describe('FNetBlock converter with the DFT operator', () => {
  for (const opset of [17, 18, 20, 21]) {
    it(`matches tfjs at opset ${opset}, --fft dft`, async () => {
      const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0.2 }), [6, 8]);
      await expectOnnxParity(model, randomInput([3, 6, 8]), { opset, converterOptions: { fft: 'dft' } });
    });
  }
});

describe("FNetBlock's converter options", () => {
  it("are its own: declared by the converter, checked in the flag's words, and the old ExportOptions.fft still works", () => {
    const model = singleLayerModel(() => new FNetBlock({ dropoutRate: 0 }), [6, 8]);
    expect(fnetBlockConverter.options?.['fft']?.choices).toEqual(['matmul', 'dft']);
    expect(() => exportToOnnx(model, { opset: 13, converterOptions: { fft: 'dft' } })).toThrow(
      /^--fft dft needs --opset 17 or later \(the DFT operator\); use --fft matmul for opset 13$/,
    );
    expect(() => exportToOnnx(model, { converterOptions: { fft: 'fast' } })).toThrow(/^--fft fast is not supported: choose matmul or dft$/);
    expect(() => exportToOnnx(model, { converterOptions: { window: 'hann' } })).toThrow(/^no converter has an option window \(the converters' options: fft\)$/);
    const operators = (bytes: Uint8Array): string[] => (decodeModel(bytes).graph.node ?? []).map((n) => n.op_type!);
    expect(operators(exportToOnnx(model, { opset: 17, converterOptions: { fft: 'dft' } }))).toContain('DFT');
    // The deprecated place still works for this release.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    expect(operators(exportToOnnx(model, { opset: 17, fft: 'dft' }))).toContain('DFT');
    expect(operators(exportToOnnx(model, { opset: 17 }))).not.toContain('DFT');
  });
});
