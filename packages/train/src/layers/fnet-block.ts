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
import { BlockLayer, type DenseWeights, type NormWeights } from './block-layer.js';
import { onTensorflow } from '../backend/native-tensorflow.js';
import { fnetBlockOnTensorflow } from './tensorflow/fnet-tensorflow.js';
import { checkBlockArgs, checkBlockInputShape } from './block-args.js';
import { type Kwargs, type LayerArgs, singleInput, singleShape } from './layer-types.js';
import { denseLastAxis } from './ops/dense.js';
import { dropout } from './ops/dropout.js';
import { gelu, type GeluApproximation } from './ops/gelu.js';
import { layerNorm } from './ops/layer-norm.js';
import { realDft2d } from './ops/real-dft2d.js';

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
      if (onTensorflow()) {
        const weights = [this.norm1.gamma, this.norm1.beta, this.ffn1.kernel, this.ffn1.bias, this.ffn2.kernel, this.ffn2.bias, this.norm2.gamma, this.norm2.beta];
        return fnetBlockOnTensorflow([input, ...weights.map((w) => w.read())], { dropoutRate: this.dropoutRate, training, gelu: this.gelu });
      }
      const x = layerNorm(tf.add(realDft2d(input), input), this.norm1.gamma.read(), this.norm1.beta.read());
      const hidden = dropout(gelu(denseLastAxis(x, this.ffn1.kernel.read(), this.ffn1.bias.read()), this.gelu), this.dropoutRate, training);
      const ffn = denseLastAxis(hidden, this.ffn2.kernel.read(), this.ffn2.bias.read());
      return layerNorm(tf.add(x, ffn), this.norm2.gamma.read(), this.norm2.beta.read());
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
