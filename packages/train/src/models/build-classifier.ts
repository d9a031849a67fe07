/**
 * Builds the seed's classifier around a stack of blocks (docs/seed.md, "The classifier"):
 *
 *   images [B, H, W, C] (raw 0-255)
 *   -> Normalization (per-channel, adapted on the training images) -> BilinearResize(imageSize)
 *   -> RandomFlip -> RandomZoom(0.2)                      (training only; omitted with augment: false)
 *   -> Patches(patchSize) -> PatchEmbedding(embeddingDim) (a Dense) [+ PatchPositionEmbedding for a
 *      family with positionEmbedding (FNet), frozen as in the seed unless its positionTable option is 'trained']
 *   -> blocks x N (the family's, model-families.ts) -> GlobalAveragePooling1D -> SeededDropout -> Dense(numClasses) = logits
 *
 * Weight initialisers draw their seeds from the training random stream: reseed it first for a
 * reproducible model.
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME, LOGITS_NAME } from '@mlpx/core';
import { BilinearResize } from '../layers/bilinear-resize.js';
import { Normalization, type ChannelStatistics } from '../layers/normalization.js';
import { PatchEmbedding } from '../layers/patch-embedding.js';
import { PatchPositionEmbedding, type PositionTable } from '../layers/patch-position-embedding.js';
import { Patches } from '../layers/patches.js';
import { RandomFlip } from '../layers/random-flip.js';
import { randomSource } from '../layers/random-source.js';
import { RandomZoom } from '../layers/random-zoom.js';
import { SeededDropout } from '../layers/seeded-dropout.js';
import { familyOptionValues } from './family-options.js';
import { checkModelConfig, type ModelConfig, ZOOM_FACTOR } from './model-config.js';
import { modelFamily } from './model-families.js';

function block(config: ModelConfig, index: number): tf.layers.Layer {
  return modelFamily(config.model).block({ dropoutRate: config.dropout, gelu: config.gelu, name: `${config.model}_block_${index + 1}` }, config);
}

function seededGlorot(): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: randomSource.nextSeed() });
}

/**
 * The layers every classifier starts with (and the plain baseline shares): Normalization, resize,
 * augmentation, patches. Returns the patches [B, P, patch*patch*C] and the Normalization layer,
 * whose statistics are set once the model is built.
 */
export function preprocessingLayers(config: ModelConfig, input: tf.SymbolicTensor): { patches: tf.SymbolicTensor; normalization: Normalization } {
  const normalization = new Normalization({ name: 'normalization' });
  let x = normalization.apply(input) as tf.SymbolicTensor;
  x = new BilinearResize({ height: config.imageSize, width: config.imageSize, name: 'resize' }).apply(x) as tf.SymbolicTensor;
  if (config.augment ?? true) {
    x = new RandomFlip({ name: 'random_flip' }).apply(x) as tf.SymbolicTensor;
    x = new RandomZoom({ heightFactor: ZOOM_FACTOR, widthFactor: ZOOM_FACTOR, name: 'random_zoom' }).apply(x) as tf.SymbolicTensor;
  }
  return { patches: new Patches({ patchSize: config.patchSize, name: 'patches' }).apply(x) as tf.SymbolicTensor, normalization };
}

/**
 * The position embedding of a family with positionEmbedding (FNet's): its table is the family's
 * positionTable option (FNet's own, models/families/fnet.ts), frozen for a family without one.
 */
export function positionEmbeddingLayer(config: ModelConfig): PatchPositionEmbedding {
  const table = (familyOptionValues(config.model, config)['positionTable'] ?? 'frozen') as PositionTable;
  return new PatchPositionEmbedding({ table, name: 'position_embedding' });
}

export function buildClassifier(config: ModelConfig, statistics: ChannelStatistics): tf.LayersModel {
  checkModelConfig(config);
  const input = tf.input({ shape: [config.inputHeight, config.inputWidth, config.inputChannels], name: INPUT_NAME });
  const { patches, normalization } = preprocessingLayers(config, input);
  let x = new PatchEmbedding({ units: config.embeddingDim, name: 'patch_embedding' }).apply(patches) as tf.SymbolicTensor;
  if (modelFamily(config.model).positionEmbedding) {
    x = positionEmbeddingLayer(config).apply(x) as tf.SymbolicTensor;
  }
  for (let i = 0; i < config.blocks; i++) x = block(config, i).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d({ name: 'global_average_pooling' }).apply(x) as tf.SymbolicTensor;
  x = new SeededDropout({ rate: config.dropout, name: 'head_dropout' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: config.numClasses, kernelInitializer: seededGlorot(), name: LOGITS_NAME }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: `${config.model}_classifier` });
  normalization.setStatistics(statistics);
  return model;
}
