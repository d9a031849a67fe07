/**
 * Replays a training-trajectory fixture (test/tools/keras_trajectory.py: five AdamW steps of a
 * whole seed model in TensorFlow 2.15 + TensorFlow Addons) in mlpx: the same initial weights,
 * batches, optimizer and settings, and reports how far mlpx's losses and final weights are from
 * Keras'. Fixture weights are keyed by mlpx's weight names ('fnet_block_1/ffn_1/kernel').
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { buildClassifier } from '@mlpx/train/src/models/build-classifier.js';
import type { ModelConfig } from '@mlpx/train/src/models/model-config.js';
import { AdamW } from '@mlpx/train/src/training/adamw.js';
import { trainStep } from '@mlpx/train/src/training/train-step.js';
import { closeness } from './closeness.js';
import { readKerasFixture, tensorOf } from './keras-fixture.js';

interface ArrayDoc {
  shape: number[];
  values: number[];
}

export interface TrajectoryFixture {
  generatedBy: string;
  config: ModelConfig;
  optimizer: { name: string; learningRate: number; weightDecay: number; epsilon: number };
  trainableWeights: number;
  statistics: { mean: ArrayDoc; variance: ArrayDoc };
  batches: { images: ArrayDoc; labels: number[] }[];
  losses: number[];
  initialWeights: Record<string, ArrayDoc>;
  finalWeights: Record<string, ArrayDoc>;
}

export function readTrajectoryFixture(name: string): TrajectoryFixture {
  return readKerasFixture(name) as unknown as TrajectoryFixture;
}

/** How far mlpx is from Keras after the replay. */
export interface TrajectoryDifference {
  /** Per step: |mlpx - keras| / |keras|. */
  readonly lossRelative: number[];
  /**
   * The largest |mlpx - keras| over every weight element, and the largest ratio, over the weights,
   * of a weight's largest difference to max(rtol x its largest |keras| value, atol). Relative to
   * the weight's scale, not each element's: Adam's first step moves a weight by about
   * lr g / (|g| + epsilon), so an element whose gradient cancels to a few epsilon turns float32
   * summation noise into a visible difference (gmlp: a gradient of -2.026e-6 in mlpx,
   * -2.030e-6 in Keras, 1.9e-6 apart after 5 steps in a weight of scale 0.15).
   */
  readonly weightAbsolute: number;
  readonly weightRatio: number;
  /** The weight whose element has the largest ratio. */
  readonly worstWeight: string;
}

/** The model the fixture trained, built by mlpx with the fixture's initial weights. */
export function classifierFor(fixture: TrajectoryFixture): tf.LayersModel {
  const statistics = { mean: new Float32Array(fixture.statistics.mean.values), variance: new Float32Array(fixture.statistics.variance.values) };
  // FNet's position table frozen, as the seed's: the family's default.
  const model = buildClassifier(fixture.config, statistics);
  const fromStatistics = new Set(['normalization/mean', 'normalization/variance']);
  const set = model.weights.filter((w) => !fromStatistics.has(w.originalName)).map((w) => w.originalName);
  expect(set.sort()).toEqual(Object.keys(fixture.initialWeights).sort());
  for (const weight of model.weights) {
    const doc = fixture.initialWeights[weight.originalName];
    if (!doc) continue;
    tf.tidy(() => {
      weight.write(tensorOf(doc));
    });
  }
  return model;
}

/** Trains the fixture's steps in mlpx and compares with Keras (rtol / atol for the weights). */
export async function replayTrajectory(fixture: TrajectoryFixture, rtol: number, atol: number): Promise<TrajectoryDifference> {
  const model = classifierFor(fixture);
  const optimizer = new AdamW({ learningRate: fixture.optimizer.learningRate, weightDecay: fixture.optimizer.weightDecay, epsilon: fixture.optimizer.epsilon });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  expect(variables.length).toBe(fixture.trainableWeights);
  const lossRelative: number[] = [];
  for (const [step, batch] of fixture.batches.entries()) {
    const images = tensorOf(batch.images) as tf.Tensor4D;
    const labels = tf.tensor1d(batch.labels, 'int32');
    const totals = trainStep(model, optimizer, variables, images, labels);
    const loss = (await totals.data())[0]! / batch.labels.length;
    tf.dispose([images, labels, totals]);
    lossRelative.push(Math.abs(loss - fixture.losses[step]!) / Math.abs(fixture.losses[step]!));
  }
  let weightAbsolute = 0;
  let weightRatio = 0;
  let worstWeight = '';
  for (const weight of model.weights) {
    const expected = fixture.finalWeights[weight.originalName];
    if (!expected) continue;
    const actual = await weight.read().data();
    expect(actual.length, weight.originalName).toBe(expected.values.length);
    // The tolerance max(rtol x scale, atol) is closeness.ts's relative x max(scale, atol / rtol).
    const { difference, scale } = closeness(actual, expected.values, 0);
    weightAbsolute = Math.max(weightAbsolute, difference);
    const ratio = difference / Math.max(rtol * scale, atol);
    if (ratio > weightRatio) [weightRatio, worstWeight] = [ratio, weight.originalName];
  }
  optimizer.dispose();
  model.dispose();
  return { lossRelative, weightAbsolute, weightRatio, worstWeight };
}
