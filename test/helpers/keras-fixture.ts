/**
 * Reads a fixture written by test/tools/keras_reference.py (the seed's layers run in Keras) and
 * loads its weights into an mlpx layer by weight name ('token_mlp_1/kernel', ...).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

interface ArrayDoc {
  shape: number[];
  values: number[];
}

export interface KerasFixture {
  input: ArrayDoc;
  weights: Record<string, ArrayDoc>;
  output: ArrayDoc;
  [extra: string]: unknown;
}

export function readKerasFixture(name: string): KerasFixture {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'keras', `${name}.json`), 'utf8')) as KerasFixture;
}

export function tensorOf(doc: ArrayDoc): tf.Tensor {
  return tf.tensor(doc.values, doc.shape, 'float32');
}

/** Sets every weight of `layer` from the fixture; each weight name must end in a fixture key. */
export function setWeightsFromFixture(layer: tf.layers.Layer, fixture: KerasFixture): void {
  const used = new Set<string>();
  for (const weight of layer.weights) {
    const key = Object.keys(fixture.weights).find((k) => weight.originalName.endsWith(`/${k}`));
    if (!key) throw new Error(`fixture has no weight for ${weight.originalName}`);
    used.add(key);
    weight.write(tensorOf(fixture.weights[key]!));
  }
  expect([...used].sort()).toEqual(Object.keys(fixture.weights).sort());
}
