/**
 * One MLP-Mixer block (Tolstikhin et al. 2021, "MLP-Mixer: An all-MLP Architecture for Vision",
 * arXiv:2105.01601), as the seed writes it:
 *
 *   x   = inputs + T(Dropout(Dense_P(GELU(Dense_P(T(LN(inputs)))))))      token mixing over patches
 *   out = x + Dropout(Dense_D(GELU(Dense_H(LN(x)))))                        channel mixing
 *
 * T swaps the patch and channel axes. One LayerNormalization (eps 1e-6) serves both norms, so
 * they share gamma and beta. The channel MLP's hidden width H is num_patches in the seed (its
 * mlp2 is Dense(num_patches) then Dense(embedding_dim)); both widths are arguments.
 *
 * Usage: new MixerBlock({ dropoutRate: 0.2 }).apply(x)   // x: [batch, patches, channels]
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend-api/op-forms.js';
import { BlockLayer, type DenseWeights, type NormWeights } from './block-layer.js';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { denseLastAxis, transposeLastTwo } from './ops/dense.js';
import { dropout } from './ops/dropout.js';
import { gelu, type GeluApproximation } from './ops/gelu.js';
import { layerNorm } from './ops/layer-norm.js';
import { type BlockForm, type BlockInputs, checkBlockArgs, checkBlockInputShape } from './block-args.js';

/** The block's input and weights, by name, as every form of the block takes them. */
export interface MixerBlockInputs extends BlockInputs {
  /** The shared LayerNormalization's scale and offset. */
  readonly gamma: tf.Tensor;
  readonly beta: tf.Tensor;
  /** token_mlp_1's and token_mlp_2's kernel and bias. */
  readonly w1: tf.Tensor;
  readonly b1: tf.Tensor;
  readonly w2: tf.Tensor;
  readonly b2: tf.Tensor;
  /** channel_mlp_1's and channel_mlp_2's kernel and bias. */
  readonly w3: tf.Tensor;
  readonly b3: tf.Tensor;
  readonly w4: tf.Tensor;
  readonly b4: tf.Tensor;
}

/** The block from mlpx's ops, each of which takes its own backend's form. */
const mixerBlockOfOps: BlockForm<MixerBlockInputs> = ({ x: input, gamma, beta, w1, b1, w2, b2, w3, b3, w4, b4 }, options) => {
  const mlp = (x: tf.Tensor, kernel1: tf.Tensor, bias1: tf.Tensor, kernel2: tf.Tensor, bias2: tf.Tensor): tf.Tensor =>
    dropout(denseLastAxis(gelu(denseLastAxis(x, kernel1, bias1), options.gelu), kernel2, bias2), options.dropoutRate, options.training);
  const tokens = transposeLastTwo(layerNorm(input, gamma, beta));
  const x = tf.add(input, transposeLastTwo(mlp(tokens, w1, b1, w2, b2)));
  return tf.add(x, mlp(layerNorm(x, gamma, beta), w3, b3, w4, b4));
};

/** The block's forms (tensorflow: one tape node with its backward pass written out, backends/tensorflow/ops/mixer-block.ts). */
export const mixerBlockOp = defineOp<BlockForm<MixerBlockInputs>>('mixerBlock', mixerBlockOfOps);

export interface MixerBlockArgs extends LayerArgs {
  /** Dropout after each MLP, in [0, 1). */
  dropoutRate: number;
  /** GELU form; the seed ran the exact (erf) one. */
  gelu?: GeluApproximation;
  /** Hidden width of the token-mixing MLP; defaults to the number of patches (the seed). */
  tokenMlpDim?: number;
  /** Hidden width of the channel-mixing MLP; defaults to the number of patches (the seed). */
  channelMlpDim?: number;
}

export class MixerBlock extends BlockLayer {
  static className = 'MixerBlock';
  readonly dropoutRate: number;
  readonly gelu: GeluApproximation;
  private tokenMlpDimArg: number | undefined;
  private channelMlpDimArg: number | undefined;
  private norm!: NormWeights;
  private token1!: DenseWeights;
  private token2!: DenseWeights;
  private channel1!: DenseWeights;
  private channel2!: DenseWeights;

  constructor(args: MixerBlockArgs) {
    super(args);
    checkBlockArgs('MixerBlock', args);
    this.dropoutRate = args.dropoutRate;
    this.gelu = args.gelu ?? 'exact';
    this.tokenMlpDimArg = args.tokenMlpDim;
    this.channelMlpDimArg = args.channelMlpDim;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [patches, channels] = checkBlockInputShape('MixerBlock', singleShape(inputShape));
    const tokenDim = this.tokenMlpDimArg ?? patches;
    const channelDim = this.channelMlpDimArg ?? patches;
    this.tokenMlpDimArg = tokenDim;
    this.channelMlpDimArg = channelDim;
    this.norm = this.addNorm('norm', channels);
    this.token1 = this.addDense('token_mlp_1', patches, tokenDim);
    this.token2 = this.addDense('token_mlp_2', tokenDim, patches);
    this.channel1 = this.addDense('channel_mlp_1', channels, channelDim);
    this.channel2 = this.addDense('channel_mlp_2', channelDim, channels);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const input = singleInput(inputs, 'MixerBlock');
      const training = kwargs['training'] === true;
      const blockInputs: MixerBlockInputs = {
        x: input,
        gamma: this.norm.gamma.read(),
        beta: this.norm.beta.read(),
        w1: this.token1.kernel.read(),
        b1: this.token1.bias.read(),
        w2: this.token2.kernel.read(),
        b2: this.token2.bias.read(),
        w3: this.channel1.kernel.read(),
        b3: this.channel1.bias.read(),
        w4: this.channel2.kernel.read(),
        b4: this.channel2.bias.read(),
      };
      return mixerBlockOp.form()(blockInputs, { dropoutRate: this.dropoutRate, training, gelu: this.gelu });
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      dropoutRate: this.dropoutRate,
      gelu: this.gelu,
      ...(this.tokenMlpDimArg === undefined ? {} : { tokenMlpDim: this.tokenMlpDimArg }),
      ...(this.channelMlpDimArg === undefined ? {} : { channelMlpDim: this.channelMlpDimArg }),
    };
  }
}

tf.serialization.registerClass(MixerBlock);
