/**
 * MixerBlock -> (one LayerNormalization's weights used twice, as the layer does)
 *   x   = inputs + Dense_over_patches(GELU(Dense_over_patches(LN(inputs))))   token mixing
 *   out = x + Dense(GELU(Dense(LN(x))))                                       channel mixing
 * Token mixing multiplies by the transposed kernels from the left (emit/dense.ts), so the
 * layer's two transposes do not appear in the graph. Dropout is the identity at inference.
 */
import type { MixerBlock } from '@mlpx/train';
import { denseLastAxis, denseOverRows } from '../emit/dense.js';
import { gelu } from '../emit/gelu.js';
import { layerNormOfRows } from '../emit/layer-norm.js';
import type { Converter } from './converter.js';
import { denseWeightsOf } from './layer-weights.js';
import { registerConverter } from './registry.js';

export const mixerBlockConverter: Converter = {
  className: 'MixerBlock',
  minOpset: 13,
  convert(context) {
    const { graph, layer, inputs, inputShape, name, weight, constant } = context;
    const [, patches, channelCount] = inputShape as [null, number, number];
    const approximation = (layer as MixerBlock).gelu;
    const dense = (prefix: string) => denseWeightsOf(context, prefix);
    const gammaWeight = weight('norm/gamma');
    const betaWeight = weight('norm/beta');
    const gamma = constant('norm/gamma', gammaWeight.values, gammaWeight.shape);
    const beta = constant('norm/beta', betaWeight.values, betaWeight.shape);
    const input = inputs[0]!;

    const norm = { gamma, beta };
    const rows = { rows: patches, channels: channelCount };
    const tokens = layerNormOfRows(graph, input, norm, rows, `${name}/token_norm`);
    const tokenHidden = gelu(graph, denseOverRows(graph, tokens, dense('token_mlp_1'), `${name}/token_mlp_1`), approximation, `${name}/token_gelu`);
    const tokenMixed = denseOverRows(graph, tokenHidden, dense('token_mlp_2'), `${name}/token_mlp_2`);
    const x = graph.op('Add', [input, tokenMixed], { name: `${name}/token_residual` });

    const channels = layerNormOfRows(graph, x, norm, rows, `${name}/channel_norm`);
    const channelHidden = gelu(graph, denseLastAxis(graph, channels, dense('channel_mlp_1'), `${name}/channel_mlp_1`), approximation, `${name}/channel_gelu`);
    const channelMixed = denseLastAxis(graph, channelHidden, dense('channel_mlp_2'), `${name}/channel_mlp_2`);
    return graph.op('Add', [x, channelMixed], { name: `${name}/channel_residual` });
  },
};

registerConverter(mixerBlockConverter);
