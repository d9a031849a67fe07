/**
 * The toy family's block: a residual dense layer over channels, out = x + GELU(x W + b), on
 * [batch, patches, channels]. A real tfjs layer, written only with what @mlpx/train exports
 * (its gelu op, its seeded random stream), as a family added outside mlpx would be.
 */
import * as tf from '@tensorflow/tfjs';
import { gelu, randomSource, type GeluApproximation } from '@mlpx/train';

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

export class ToyBlock extends tf.layers.Layer {
  static className = 'ToyBlock';
  readonly gelu: GeluApproximation;
  private kernel!: LayerVariable;
  private bias!: LayerVariable;

  /** Takes the family's BlockSettings (it has no dropout), or the config a saved model holds. */
  constructor(args: { readonly name?: string; readonly gelu?: GeluApproximation }) {
    super(args);
    this.gelu = args.gelu ?? 'exact';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 3 || channels == null) throw new Error(`ToyBlock expects input [batch, patches, channels], got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [channels, channels], 'float32', tf.initializers.glorotUniform({ seed: randomSource.nextSeed() }));
    this.bias = this.addWeight('bias', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [batch, patches, channels] = x.shape as [number, number, number];
      const rows = tf.reshape(x, [batch * patches, channels]);
      const hidden = tf.add(tf.matMul(rows, this.kernel.read()), this.bias.read());
      return tf.add(x, tf.reshape(gelu(hidden, this.gelu), [batch, patches, channels]));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gelu: this.gelu };
  }
}

// Saved models name the class: tf.loadLayersModel (and mlpx export) can read a toy run.
tf.serialization.registerClass(ToyBlock);
