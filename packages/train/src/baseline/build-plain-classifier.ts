/**
 * The plain baseline of `mlpx bench` and of the fast-path tests: the same classifier as
 * buildClassifier (same preprocessing, same architecture, the same weights in the same order),
 * written the way a TensorFlow.js user would, from stock tfjs layers (Dense with 'gelu', Permute,
 * Add, Multiply, Dropout) differentiated by tfjs's autodiff. The 2-D Fourier transform and the
 * channel split have no stock layer, and the stock LayerNormalization is pathologically slow to
 * train in tfjs 4.22: those three are small autodiff layers (plain-layers.ts).
 *
 *   const plain = buildPlainClassifier(config, statistics);
 *   plain.setWeights(fast.getWeights());    // the same function, computed the plain way
 */
import * as tf from '@tensorflow/tfjs';
import { INPUT_NAME, LOGITS_NAME } from '@mlpx/core';
import { registerBackendForms } from '../backend/register-forms.js';
import type { ChannelStatistics } from '../layers/normalization.js';
import { PatchPositionEmbedding } from '../layers/patch-position-embedding.js';
import { preprocessingLayers } from '../models/build-classifier.js';
import { checkModelConfig, type ModelConfig } from '../models/model-config.js';
import { ChannelHalves, PlainFourierTransform, PlainLayerNormalization } from './plain-layers.js';

type Apply = (x: tf.SymbolicTensor) => tf.SymbolicTensor;

function layer(l: tf.layers.Layer): Apply {
  return (x) => l.apply(x) as tf.SymbolicTensor;
}

function chain(x: tf.SymbolicTensor, ...steps: Apply[]): tf.SymbolicTensor {
  return steps.reduce((y, step) => step(y), x);
}

function add(a: tf.SymbolicTensor, b: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
}

interface BlockSizes {
  readonly patches: number;
  readonly channels: number;
  readonly rate: number;
  readonly activation: 'gelu' | 'gelu_new';
}

const swap: () => Apply = () => layer(tf.layers.permute({ dims: [2, 1] }));
const norm: () => tf.layers.Layer = () => new PlainLayerNormalization();

function mixerBlock(x: tf.SymbolicTensor, s: BlockSizes): tf.SymbolicTensor {
  // One LayerNormalization serves both norms, as in the seed.
  const shared = layer(norm());
  const mlp = (width: number, out: number): Apply[] => [
    layer(tf.layers.dense({ units: width, activation: s.activation })),
    layer(tf.layers.dense({ units: out })),
    layer(tf.layers.dropout({ rate: s.rate })),
  ];
  const tokens = add(x, chain(x, shared, swap(), ...mlp(s.patches, s.patches), swap()));
  return add(tokens, chain(tokens, shared, ...mlp(s.patches, s.channels)));
}

function fnetBlock(x: tf.SymbolicTensor, s: BlockSizes): tf.SymbolicTensor {
  const mixed = chain(add(layer(new PlainFourierTransform())(x), x), layer(norm()));
  const ffn = chain(
    mixed,
    layer(tf.layers.dense({ units: s.channels, activation: s.activation })),
    layer(tf.layers.dropout({ rate: s.rate })),
    layer(tf.layers.dense({ units: s.channels })),
  );
  return layer(norm())(add(mixed, ffn));
}

function gmlpBlock(x: tf.SymbolicTensor, s: BlockSizes): tf.SymbolicTensor {
  const normalized = layer(norm())(x);
  const projected = chain(normalized, layer(tf.layers.dense({ units: 2 * s.channels, activation: s.activation })), layer(tf.layers.dropout({ rate: s.rate })));
  const [u, v] = new ChannelHalves().apply(projected) as tf.SymbolicTensor[];
  const gate = chain(v!, layer(norm()), swap(), layer(tf.layers.dense({ units: s.patches, biasInitializer: 'ones' })), swap());
  const gated = tf.layers.multiply().apply([u!, gate]) as tf.SymbolicTensor;
  return add(normalized, layer(tf.layers.dense({ units: s.channels }))(gated));
}

const BLOCKS = { mixer: mixerBlock, fnet: fnetBlock, gmlp: gmlpBlock } as const;

export function buildPlainClassifier(config: ModelConfig, statistics: ChannelStatistics): tf.LayersModel {
  checkModelConfig(config);
  registerBackendForms(); // the preprocessing's ops and the pooling's gradient, as buildClassifier's
  const input = tf.input({ shape: [config.inputHeight, config.inputWidth, config.inputChannels], name: INPUT_NAME });
  const { patches, normalization } = preprocessingLayers(config, input);
  let x = layer(tf.layers.dense({ units: config.embeddingDim, name: 'patch_embedding' }))(patches);
  if (config.model === 'fnet') x = layer(new PatchPositionEmbedding({ table: config.positionTable ?? 'frozen', name: 'position_embedding' }))(x);
  const sizes: BlockSizes = {
    patches: (config.imageSize / config.patchSize) ** 2,
    channels: config.embeddingDim,
    rate: config.dropout,
    activation: config.gelu === 'exact' ? 'gelu' : 'gelu_new',
  };
  for (let i = 0; i < config.blocks; i++) x = BLOCKS[config.model](x, sizes);
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
