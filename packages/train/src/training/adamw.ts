/**
 * AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101) as the seed ran it: TensorFlow Addons'
 * AdamW, i.e. Keras Adam (beta1 0.9, beta2 0.999, epsilon 1e-7) plus decoupled weight decay
 * that subtracts weightDecay * w every step, NOT scaled by the learning rate (so
 * ReduceLROnPlateau lowers the learning rate but not the decay). Every trainable variable decays.
 *
 *   w <- w - weightDecay * w - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)
 *
 * Written here rather than taken from tf.train.adam so the decay is tfa's and the state (moments,
 * step) is plain data that can be saved and restored. The update is an op with backend forms
 * (adamWUpdateOp): plain, it is tfjs ops (updateWithTensors), which on native TensorFlow are
 * recorded into the step's graph with the step size fed (backends/tensorflow/graph/); on webgpu it
 * is two fused shaders per weight, the moments kept as one [m; v] buffer (packedMomentsOf;
 * backends/webgpu/ops/adamw.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend-api/op-forms.js';

export interface AdamWOptions {
  learningRate: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** One update of `variables` by their gradients, with the step's size (the caller counts the step). */
export type AdamWUpdateForm = (optimizer: AdamW, variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], stepSize: number) => void;

/** The update's forms: tfjs ops on separate m and v (updateWithTensors) unless a backend has its own. */
export const adamWUpdateOp = defineOp<AdamWUpdateForm>('adamWUpdate', (optimizer, variables, gradients, stepSize) =>
  optimizer.updateWithTensors(variables, gradients, stepSize),
);

/** AdamW's state: moments per variable (undefined before its first update) and the step. */
export interface AdamWState {
  readonly learningRate: number;
  readonly step: number;
  readonly m: readonly (Float32Array | undefined)[];
  readonly v: readonly (Float32Array | undefined)[];
}

export class AdamW {
  learningRate: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken so far (Adam's t). */
  step = 0;
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();
  /** Each variable's moments as one flat variable, m then v (2n values), for a form that keeps them so (webgpu's). */
  private readonly packedMoments = new Map<tf.Variable, tf.Variable>();

  constructor(options: AdamWOptions) {
    if (!(options.learningRate > 0)) throw new RangeError(`learning rate must be positive, got ${options.learningRate}`);
    if (!(options.weightDecay >= 0)) throw new RangeError(`weight decay must be >= 0, got ${options.weightDecay}`);
    this.learningRate = options.learningRate;
    this.weightDecay = options.weightDecay;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  /** Applies one update; gradients[i] belongs to variables[i]. */
  applyGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[]): void {
    adamWUpdateOp.form()(this, variables, gradients, this.takeStep());
  }

  /**
   * Counts one more step and returns its step size: lr * sqrt(1 - beta2^t) / (1 - beta1^t).
   * applyGradients calls it; a recorded step graph calls it for the step size it is fed.
   */
  takeStep(): number {
    this.step += 1;
    const t = this.step;
    return (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  /**
   * The update as tfjs ops on the moments' tensors (momentVariables), the step size a number or
   * a scalar tensor (a step graph's input); the caller counts the step (takeStep).
   */
  updateWithTensors(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], stepSize: number | tf.Scalar): void {
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        const gradient = gradients[i]!;
        const { m, v } = this.momentsOf(variable);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2)));
        const adam = tf.div(m, tf.add(tf.sqrt(v), this.epsilon));
        variable.assign(tf.sub(tf.mul(variable, 1 - this.weightDecay), tf.mul(adam, stepSize)));
      });
    });
  }

  /** The moments as tfjs variables, m and v for each variable in order, made (zeros) where missing. */
  momentVariables(variables: readonly tf.Variable[]): tf.Variable[] {
    return variables.flatMap((variable) => {
      const { m, v } = this.momentsOf(variable);
      return [m, v];
    });
  }

  /**
   * The moments of a variable as one flat [m; v] variable (made, zeros, where missing), moved over
   * from the separate m and v if it has them: for an update form that keeps them so. exportState,
   * importState and dispose know both layouts.
   */
  packedMomentsOf(variable: tf.Variable): tf.Variable {
    let packed = this.packedMoments.get(variable);
    if (!packed) {
      const separate = this.moments.get(variable);
      packed = tf.variable(
        tf.tidy(() => (separate ? tf.concat([tf.reshape(separate.m, [-1]), tf.reshape(separate.v, [-1])]) : tf.zeros([2 * variable.size]))),
        false,
      );
      if (separate) {
        separate.m.dispose();
        separate.v.dispose();
        this.moments.delete(variable);
      }
      this.packedMoments.set(variable, packed);
    }
    return packed;
  }

  /**
   * The moments (in the order of `variables`) and step, as plain arrays, for a checkpoint. Read
   * asynchronously: WebGPU in Node cannot read tensors synchronously.
   */
  async exportState(variables: readonly tf.Variable[]): Promise<AdamWState> {
    const read = async (variable: tf.Variable): Promise<{ m: Float32Array; v: Float32Array } | undefined> => {
      const packed = this.packedMoments.get(variable);
      if (packed) {
        const values = (await packed.data()) as Float32Array;
        return { m: values.slice(0, variable.size), v: values.slice(variable.size) };
      }
      const state = this.moments.get(variable);
      if (!state) return undefined;
      return { m: ((await state.m.data()) as Float32Array).slice(), v: ((await state.v.data()) as Float32Array).slice() };
    };
    const moments = await Promise.all(variables.map(read));
    return { learningRate: this.learningRate, step: this.step, m: moments.map((state) => state?.m), v: moments.map((state) => state?.v) };
  }

  /** Restores what exportState wrote, for the same variables in the same order. */
  importState(variables: readonly tf.Variable[], state: AdamWState): void {
    this.learningRate = state.learningRate;
    this.step = state.step;
    variables.forEach((variable, i) => {
      const m = state.m[i];
      const v = state.v[i];
      if (!m || !v) return;
      if (m.length !== variable.size || v.length !== variable.size)
        throw new Error(`optimizer state for ${variable.name} has ${m.length} values, expected ${variable.size}`);
      this.packedMoments.get(variable)?.dispose();
      this.packedMoments.delete(variable);
      const moments = this.momentsOf(variable);
      tf.tidy(() => {
        moments.m.assign(tf.tensor(m, variable.shape));
        moments.v.assign(tf.tensor(v, variable.shape));
      });
    });
  }

  private momentsOf(variable: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    let state = this.moments.get(variable);
    if (!state) {
      state = { m: tf.variable(tf.zerosLike(variable), false), v: tf.variable(tf.zerosLike(variable), false) };
      this.moments.set(variable, state);
    }
    return state;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
    for (const packed of this.packedMoments.values()) packed.dispose();
    this.packedMoments.clear();
  }
}
