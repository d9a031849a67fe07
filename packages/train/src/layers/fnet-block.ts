/**
 * One FNet block (Lee-Thorp et al. 2021, "FNet: Mixing Tokens with Fourier Transforms",
 * arXiv:2105.03824), as the seed writes it:
 *
 *   x   = LN1(Re(fft2d(inputs)) + inputs)          fft2d over patches x channels
 *   out = LN2(x + Dense_D(Dropout(GELU(Dense_D(x)))))
 *
 * The Fourier transform has no weights; it is computed with cosine/sine matrices (see
 * ops/real-dft2d.ts) so that every backend, wasm included, runs and differentiates it.
 *
 * Usage: new FNetBlock({ dropoutRate: 0.2 }).apply(x)   // x: [batch, patches, channels]
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend-api/op-forms.js';
import { BlockLayer, type DenseWeights, type NormWeights } from './block-layer.js';
import { type BlockForm, type BlockInputs, checkBlockArgs, checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { denseLastAxis } from './ops/dense.js';
import { dropout } from './ops/dropout.js';
import { gelu, type GeluApproximation } from './ops/gelu.js';
import { layerNorm } from './ops/layer-norm.js';
import { realDft2d } from './ops/real-dft2d.js';

/** The block's input and weights, by name, as every form of the block takes them. */
export interface FNetBlockInputs extends BlockInputs {
  /** norm1's scale and offset. */
  readonly gamma1: tf.Tensor;
  readonly beta1: tf.Tensor;
  /** ffn_1's and ffn_2's kernel and bias. */
  readonly w1: tf.Tensor;
  readonly b1: tf.Tensor;
  readonly w2: tf.Tensor;
  readonly b2: tf.Tensor;
  /** norm2's scale and offset. */
  readonly gamma2: tf.Tensor;
  readonly beta2: tf.Tensor;
}

/** The block from mlpx's ops, each of which takes its own backend's form. */
const fnetBlockOfOps: BlockForm<FNetBlockInputs> = ({ x: input, gamma1, beta1, w1, b1, w2, b2, gamma2, beta2 }, options) => {
  const x = layerNorm(tf.add(realDft2d(input), input), gamma1, beta1);
  const hidden = dropout(gelu(denseLastAxis(x, w1, b1), options.gelu), options.dropoutRate, options.training);
  const ffn = denseLastAxis(hidden, w2, b2);
  return layerNorm(tf.add(x, ffn), gamma2, beta2);
};

/** The block's forms (tensorflow: one tape node with its backward pass written out, backends/tensorflow/ops/fnet-block.ts). */
export const fnetBlockOp = defineOp<BlockForm<FNetBlockInputs>>('fnetBlock', fnetBlockOfOps);

export interface FNetBlockArgs extends LayerArgs {
  /** Dropout inside the feed-forward network, in [0, 1). */
  dropoutRate: number;
  /** GELU form; the seed ran the exact (erf) one. */
  gelu?: GeluApproximation;
}

export class FNetBlock extends BlockLayer {
  static className = 'FNetBlock';
  readonly dropoutRate: number;
  readonly gelu: GeluApproximation;
  private norm1!: NormWeights;
  private ffn1!: DenseWeights;
  private ffn2!: DenseWeights;
  private norm2!: NormWeights;

  constructor(args: FNetBlockArgs) {
    super(args);
    checkBlockArgs('FNetBlock', args);
    this.dropoutRate = args.dropoutRate;
    this.gelu = args.gelu ?? 'exact';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [, channels] = checkBlockInputShape('FNetBlock', singleShape(inputShape));
    this.norm1 = this.addNorm('norm1', channels);
    this.ffn1 = this.addDense('ffn_1', channels, channels);
    this.ffn2 = this.addDense('ffn_2', channels, channels);
    this.norm2 = this.addNorm('norm2', channels);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const input = singleInput(inputs, 'FNetBlock');
      const training = kwargs['training'] === true;
      const blockInputs: FNetBlockInputs = {
        x: input,
        gamma1: this.norm1.gamma.read(),
        beta1: this.norm1.beta.read(),
        w1: this.ffn1.kernel.read(),
        b1: this.ffn1.bias.read(),
        w2: this.ffn2.kernel.read(),
        b2: this.ffn2.bias.read(),
        gamma2: this.norm2.gamma.read(),
        beta2: this.norm2.beta.read(),
      };
      return fnetBlockOp.form()(blockInputs, { dropoutRate: this.dropoutRate, training, gelu: this.gelu });
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropoutRate: this.dropoutRate, gelu: this.gelu };
  }
}

tf.serialization.registerClass(FNetBlock);
