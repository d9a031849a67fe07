/**
 * FNetBlock ->
 *   x   = LN1(Re(fft2d(inputs)) + inputs)       (--fft matmul: cos/sin matrices; --fft dft: DFT op)
 *   out = LN2(x + Dense(GELU(Dense(x))))
 * Dropout is the identity at inference.
 */
import type { FNetBlock } from '@mlpx/train';
import { denseLastAxis } from '../emit/dense.js';
import { gelu } from '../emit/gelu.js';
import { FFT_MODES, MIN_DFT_OPSET, realDft2d, type FftMode } from '../emit/real-dft2d.js';
import type { Converter } from './converter.js';
import { denseWeightsOf, layerNormOf } from './layer-weights.js';
import { registerConverter } from './registry.js';

export const fnetBlockConverter: Converter = {
  className: 'FNetBlock',
  minOpset: 13,
  options: {
    // The Fourier transform: factored matrix products (every runtime) or the DFT operator (opset 17+).
    fft: {
      choices: FFT_MODES,
      default: 'matmul',
      problem: (value, opset) =>
        value === 'dft' && opset < MIN_DFT_OPSET
          ? `--fft dft needs --opset ${MIN_DFT_OPSET} or later (the DFT operator); use --fft matmul for opset ${opset}`
          : undefined,
    },
  },
  convert(context) {
    const { graph, layer, inputs, inputShape, name } = context;
    const fft = context.options['fft'] as FftMode;
    const approximation = (layer as FNetBlock).gelu;
    const [, patches, channels] = inputShape as [null, number, number];
    const dense = (prefix: string) => denseWeightsOf(context, prefix);
    const norm = (prefix: string, x: string): string => layerNormOf(context, prefix, x);
    const input = inputs[0]!;
    const fourier = realDft2d(graph, input, { patches, channels, mode: fft }, `${name}/fourier`);
    const x = norm('norm1', graph.op('Add', [fourier, input], { name: `${name}/fourier_residual` }));
    const hidden = gelu(graph, denseLastAxis(graph, x, dense('ffn_1'), `${name}/ffn_1`), approximation, `${name}/ffn_gelu`);
    const ffn = denseLastAxis(graph, hidden, dense('ffn_2'), `${name}/ffn_2`);
    return norm('norm2', graph.op('Add', [x, ffn], { name: `${name}/ffn_residual` }));
  },
};

registerConverter(fnetBlockConverter);
