/**
 * The plain baseline of `mlpx bench` and of the fast-path tests: the same classifier as
 * buildClassifier (same preprocessing, same architecture, the same weights in the same order),
 * written the way a TensorFlow.js user would, from stock tfjs layers (Dense with 'gelu', Permute,
 * Add, Multiply, Dropout) differentiated by tfjs's autodiff: each family's plainBlock
 * (models/families/). The 2-D Fourier transform and the channel split have no stock layer, and the
 * stock LayerNormalization is pathologically slow to train in tfjs 4.22: those three are small
 * autodiff layers (plain-layers.ts).
 *
 *   const plain = buildPlainClassifier(config, statistics);
 *   plain.setWeights(fast.getWeights());    // the same function, computed the plain way
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME, LOGITS_NAME } from '@mlpx/core';
import type { ChannelStatistics } from '../layers/normalization.js';
import { positionEmbeddingLayer, preprocessingLayers } from './build-classifier.js';
import { checkModelConfig, type ModelConfig } from './model-config.js';
import { modelFamily } from './model-families.js';
import type { PlainBlockSizes } from './model-family.js';
import { chain, layer } from '../layers/plain/plain-graph.js';

export function buildPlainClassifier(config: ModelConfig, statistics: ChannelStatistics): tf.LayersModel {
  checkModelConfig(config);
  const input = tf.input({ shape: [config.inputHeight, config.inputWidth, config.inputChannels], name: INPUT_NAME });
  const { patches, normalization } = preprocessingLayers(config, input);
  let x = layer(tf.layers.dense({ units: config.embeddingDim, name: 'patch_embedding' }))(patches);
  const family = modelFamily(config.model);
  if (family.positionEmbedding) x = layer(positionEmbeddingLayer(config))(x);
  const sizes: PlainBlockSizes = {
    patches: (config.imageSize / config.patchSize) ** 2,
    channels: config.embeddingDim,
    rate: config.dropout,
    activation: config.gelu === 'exact' ? 'gelu' : 'gelu_new',
  };
  for (let i = 0; i < config.blocks; i++) x = family.plainBlock(x, sizes);
  const logits = chain(
    x,
    layer(tf.layers.globalAveragePooling1d({})),
    layer(tf.layers.dropout({ rate: config.dropout })),
    layer(tf.layers.dense({ units: config.numClasses, name: LOGITS_NAME })),
  );
  const model = tf.model({ inputs: input, outputs: logits, name: `plain_${config.model}_classifier` });
  normalization.setStatistics(statistics);
  return model;
}
