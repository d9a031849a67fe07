/**
 * The base of mlpx's weight-owning layers: helpers to create Keras-initialised dense and
 * layer-norm weights (kernel glorot-uniform, bias zeros, gamma ones, beta zeros, as Keras does),
 * with initializer seeds drawn from the training random stream so seeded runs repeat.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerVariable } from './layer-types.js';
import { randomSource } from './random-source.js';

export interface DenseWeights {
  readonly kernel: LayerVariable;
  readonly bias: LayerVariable;
}

export interface NormWeights {
  readonly gamma: LayerVariable;
  readonly beta: LayerVariable;
}

export abstract class BlockLayer extends tf.layers.Layer {
  protected addDense(name: string, inputDim: number, units: number, biasInitializer: 'zeros' | 'ones' = 'zeros'): DenseWeights {
    return {
      kernel: this.addWeight(`${name}/kernel`, [inputDim, units], 'float32', tf.initializers.glorotUniform({ seed: randomSource.nextSeed() })),
      bias: this.addWeight(`${name}/bias`, [units], 'float32', biasInitializer === 'ones' ? tf.initializers.ones() : tf.initializers.zeros()),
    };
  }

  protected addNorm(name: string, dim: number): NormWeights {
    return {
      gamma: this.addWeight(`${name}/gamma`, [dim], 'float32', tf.initializers.ones()),
      beta: this.addWeight(`${name}/beta`, [dim], 'float32', tf.initializers.zeros()),
    };
  }
}
