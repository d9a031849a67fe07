/**
 * One gMLP block (Liu et al. 2021, "Pay Attention to MLPs", arXiv:2105.08050), as the seed writes
 * it:
 *
 *   x      = LN1(inputs)
 *   [u, v] = split(Dropout(GELU(Dense_2D(x))), 2, channels)
 *   s      = u * T(Dense_P(T(LN2(v))))          spatial gating unit; Dense_P's bias starts at ones
 *   out    = x + Dense_D(s)
 *
 * T swaps the patch and channel axes. The residual adds the normalised x, not the block's input:
 * that is how the seed is written (the paper adds the input), and mlpx keeps the seed's model.
 *
 * Usage: new GMlpBlock({ dropoutRate: 0.2 }).apply(x)   // x: [batch, patches, channels]
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend-api/op-forms.js';
import { BlockLayer, type DenseWeights, type NormWeights } from './block-layer.js';
import { type BlockForm, type BlockInputs, checkBlockArgs, checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { denseLastAxis, transposeLastTwo } from './ops/dense.js';
import { dropout } from './ops/dropout.js';
import { gelu, type GeluApproximation } from './ops/gelu.js';
import { layerNorm } from './ops/layer-norm.js';

/** GELU(x W + b) for the projection to 2D channels, as its two halves u and v. */
export type GmlpProjectionForm = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, approximation: GeluApproximation) => tf.Tensor[];

/**
 * The projection's forms. Plain: two projections by the kernel's halves, the same values without
 * wasm's slow SplitV of [B, P, 2D] (and the concat in its gradient), and two smaller
 * weight-gradient matmuls instead of one large. On webgpu, where each op is a dispatch, one
 * projection and one GELU and then the split are fewer (backends/webgpu/ops/gmlp-block.ts).
 */
export const gmlpProjectionOp = defineOp<GmlpProjectionForm>('gmlpProjection', (x, kernel, bias, approximation) => {
  const half = kernel.shape[1]! / 2;
  return [0, half].map((start) => gelu(denseLastAxis(x, tf.slice(kernel, [0, start], [-1, half]), tf.slice(bias, [start], [half])), approximation));
});

/** The block's input and weights, by name, as every form of the block takes them. */
export interface GMlpBlockInputs extends BlockInputs {
  /** norm1's scale and offset. */
  readonly gamma1: tf.Tensor;
  readonly beta1: tf.Tensor;
  /** channel_projection_1's kernel and bias. */
  readonly w1: tf.Tensor;
  readonly b1: tf.Tensor;
  /** The spatial gating unit's norm2 (scale and offset) and spatial_projection (kernel and bias). */
  readonly gamma2: tf.Tensor;
  readonly beta2: tf.Tensor;
  readonly ws: tf.Tensor;
  readonly bs: tf.Tensor;
  /** channel_projection_2's kernel and bias. */
  readonly w2: tf.Tensor;
  readonly b2: tf.Tensor;
}

/** The block from mlpx's ops, each of which takes its own backend's form. */
const gmlpBlockOfOps: BlockForm<GMlpBlockInputs> = ({ x: input, gamma1, beta1, w1, b1, gamma2, beta2, ws, bs, w2, b2 }, options) => {
  const x = layerNorm(input, gamma1, beta1);
  const activated = gmlpProjectionOp.form()(x, w1, b1, options.gelu);
  const [u, v] = activated.map((h) => dropout(h, options.dropoutRate, options.training)) as [tf.Tensor, tf.Tensor];
  const vNorm = layerNorm(v, gamma2, beta2);
  const gate = transposeLastTwo(denseLastAxis(transposeLastTwo(vNorm), ws, bs));
  const gated = tf.mul(u, gate);
  return tf.add(x, denseLastAxis(gated, w2, b2));
};

/** The block's forms (tensorflow: one tape node with its backward pass written out, backends/tensorflow/ops/gmlp-block.ts). */
export const gmlpBlockOp = defineOp<BlockForm<GMlpBlockInputs>>('gmlpBlock', gmlpBlockOfOps);

export interface GMlpBlockArgs extends LayerArgs {
  /** Dropout after the first channel projection, in [0, 1). */
  dropoutRate: number;
  /** GELU form; the seed ran the exact (erf) one. */
  gelu?: GeluApproximation;
}

export class GMlpBlock extends BlockLayer {
  static className = 'GMlpBlock';
  readonly dropoutRate: number;
  readonly gelu: GeluApproximation;
  private norm1!: NormWeights;
  private channelProjection1!: DenseWeights;
  private norm2!: NormWeights;
  private spatialProjection!: DenseWeights;
  private channelProjection2!: DenseWeights;

  constructor(args: GMlpBlockArgs) {
    super(args);
    checkBlockArgs('GMlpBlock', args);
    this.dropoutRate = args.dropoutRate;
    this.gelu = args.gelu ?? 'exact';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [patches, channels] = checkBlockInputShape('GMlpBlock', singleShape(inputShape));
    this.norm1 = this.addNorm('norm1', channels);
    this.channelProjection1 = this.addDense('channel_projection_1', channels, 2 * channels);
    this.norm2 = this.addNorm('norm2', channels);
    this.spatialProjection = this.addDense('spatial_projection', patches, patches, 'ones');
    this.channelProjection2 = this.addDense('channel_projection_2', channels, channels);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const input = singleInput(inputs, 'GMlpBlock');
      const training = kwargs['training'] === true;
      const blockInputs: GMlpBlockInputs = {
        x: input,
        gamma1: this.norm1.gamma.read(),
        beta1: this.norm1.beta.read(),
        w1: this.channelProjection1.kernel.read(),
        b1: this.channelProjection1.bias.read(),
        gamma2: this.norm2.gamma.read(),
        beta2: this.norm2.beta.read(),
        ws: this.spatialProjection.kernel.read(),
        bs: this.spatialProjection.bias.read(),
        w2: this.channelProjection2.kernel.read(),
        b2: this.channelProjection2.bias.read(),
      };
      return gmlpBlockOp.form()(blockInputs, { dropoutRate: this.dropoutRate, training, gelu: this.gelu });
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dropoutRate: this.dropoutRate, gelu: this.gelu };
  }
}

tf.serialization.registerClass(GMlpBlock);
