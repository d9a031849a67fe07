/**
 * mlpx's fused WebGPU shaders against the generic ops on wasm, op by op: GELU (both forms),
 * layer norm, and the dense layer's flag form, forward values and gradients from the same
 * inputs. The whole-step parity (test/train/backends/webgpu-training.test.ts) rests on these.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { describe, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { denseLastAxis } from '@mlpx/train/src/layers/ops/dense.js';
import { gelu } from '@mlpx/train/src/layers/ops/gelu.js';
import { layerNorm } from '@mlpx/train/src/layers/ops/layer-norm.js';
import { expectClose } from '../../helpers/closeness.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';

useSwiftShader();

function values(size: number, seed: string, scale = 1): Float32Array {
  const random = seedrandom.alea(seed);
  return Float32Array.from({ length: size }, () => (random() * 2 - 1) * scale);
}

/** The op's value and the gradients of sum(value * weights) with respect to each input, on a backend. */
async function run(backend: 'wasm' | 'webgpu', shapes: number[][], op: (...inputs: tf.Tensor[]) => tf.Tensor): Promise<Float32Array[]> {
  await selectBackend(backend);
  const inputs = shapes.map((shape, i) =>
    tf.tensor(
      values(
        shape.reduce((a, b) => a * b),
        `in${i}`,
        2,
      ),
      shape,
    ),
  );
  const out = tf.tidy(() => op(...inputs));
  const weights = tf.tensor(values(out.size, 'weights'), out.shape);
  const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), weights)))(inputs);
  const result = [(await out.data()) as Float32Array, ...(await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array)))];
  tf.dispose([...inputs, out, weights, value, ...grads]);
  return result;
}

async function expectSameOnBoth(what: string, shapes: number[][], op: (...inputs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const wasm = await run('wasm', shapes, op);
  const webgpu = await run('webgpu', shapes, op);
  wasm.forEach((expected, i) =>
    expectClose(webgpu[i]!, expected, { relative: 1e-4, scaleFloor: 1e-3, what: `${what} ${i === 0 ? 'value' : `gradient ${i}`}` }),
  );
}

describe('fused webgpu ops match the generic ops on wasm', () => {
  it('gelu, exact and tanh', async () => {
    await expectSameOnBoth('gelu exact', [[4, 8, 33]], (x) => gelu(x!, 'exact'));
    await expectSameOnBoth('gelu tanh', [[4, 8, 33]], (x) => gelu(x!, 'tanh'));
  }, 60_000);

  it('layer norm over the last axis', async () => {
    await expectSameOnBoth('layer norm', [[3, 5, 24], [24], [24]], (x, gamma, beta) => layerNorm(x!, gamma!, beta!));
  }, 60_000);

  it('the dense layer (matmul transpose flags)', async () => {
    await expectSameOnBoth('dense', [[3, 5, 24], [24, 7], [7]], (x, kernel, bias) => denseLastAxis(x!, kernel!, bias!));
    const constantInput = values(3 * 5 * 24, 'constant input', 2);
    await expectSameOnBoth('dense of a constant input', [[24, 7], [7]], (kernel, bias) =>
      denseLastAxis(tf.tensor(constantInput, [3, 5, 24]), kernel!, bias!, { inputGradient: false }),
    );
  }, 60_000);
});
