/**
 * The tensorflow backend's forms of mlpx's ops and blocks against the plain ones: dense layers with
 * matmul flags and the written-out GELU gradient against tfjs's autodiff on the same backend, and
 * each block's TensorFlow form (one tape node, backward written out) against the block on wasm,
 * from the same weights, input and dropout masks: values and every gradient within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { denseLastAxis, denseLastAxisAutodiff } from '@mlpx/train/src/layers/ops/dense.js';
import { gelu, geluGradient, type GeluApproximation } from '@mlpx/train/src/layers/ops/gelu.js';
import { applyRealDft2d, applyRealDft2dBatched } from '@mlpx/train/src/layers/ops/real-dft2d.js';
import { realDft2dByFft } from '@mlpx/train/src/backends/tensorflow/ops/real-dft2d.js';
import { useTiledMeanGradient } from '@mlpx/train/src/layers/ops/mean-gradient.js';
import { randomSource } from '@mlpx/train/src/layers/random-source.js';
import { familyCases } from '../../families/family-cases.js';
import { expectClose } from '../../helpers/closeness.js';
import { describeWithTensorflow } from '../../helpers/tensorflow.js';

async function values(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
}

describeWithTensorflow('the tensorflow forms of the ops', () => {
  it("dense with matmul flags has autodiff's value and gradients (and none for a constant input)", async () => {
    await selectBackend('tensorflow');
    const x = tf.randomNormal([6, 36, 48], 0, 1, 'float32', 1);
    const w = tf.randomNormal([48, 20], 0, 0.2, 'float32', 2);
    const b = tf.randomNormal([20], 0, 0.2, 'float32', 3);
    const upstream = tf.randomNormal([6, 36, 20], 0, 1, 'float32', 4);
    const loss = (dense: typeof denseLastAxis) => (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(upstream, dense(xs, ws, bs)));
    const [fast, plain] = await Promise.all([values(tf.grads(loss(denseLastAxis))([x, w, b])), values(tf.grads(loss(denseLastAxisAutodiff))([x, w, b]))]);
    expectClose(await denseLastAxis(x, w, b).data(), await denseLastAxisAutodiff(x, w, b).data(), { relative: 1e-5, what: 'y' });
    fast.forEach((g, i) => expectClose(g, plain[i]!, { relative: 1e-5, what: ['dx', 'dW', 'db'][i]! }));
    const constant = await values(
      tf.grads((ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(upstream, denseLastAxis(x, ws, bs, { inputGradient: false }))))([w, b]),
    );
    constant.forEach((g, i) => expectClose(g, plain[i + 1]!, { relative: 1e-5, what: ['dW', 'db'][i]! }));
    tf.dispose([x, w, b, upstream]);
  });

  it("the batched real 2-D DFT (no transposes) is the transposing form's map", async () => {
    await selectBackend('tensorflow');
    for (const shape of [
      [3, 36, 20],
      [2, 7, 5],
      [1, 64, 256],
    ] as [number, number, number][]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 5);
      const batched = applyRealDft2dBatched(x);
      expect(batched.shape).toEqual(shape);
      expectClose(await batched.data(), await applyRealDft2d(x).data(), { relative: 1e-5, what: `[${shape}]` });
      tf.dispose([x, batched]);
    }
  });

  it("the real 2-D DFT by TensorFlow's real-input FFT is the matmul form's map", async () => {
    await selectBackend('tensorflow');
    for (const shape of [
      [3, 36, 20],
      [2, 7, 5],
      [2, 6, 1],
      [2, 5, 2],
      [1, 64, 256],
    ] as [number, number, number][]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 5);
      const byFft = realDft2dByFft(x);
      expect(byFft.shape).toEqual(shape);
      // Absolute, relative to the largest value: the two round differently near zero.
      const reference = applyRealDft2d(x);
      const [expected, actual] = await values([reference, byFft]);
      const largest = expected!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = actual!.reduce((m, v, i) => Math.max(m, Math.abs(v - expected![i]!)), 0);
      expect(worst / largest, `[${shape}]`).toBeLessThan(1e-5);
      tf.dispose([x, byFft, reference]);
    }
  });

  it("Mean's gradient on tensorflow (dy / n tiled) is tfjs's own on the cpu backend, bit for bit", async () => {
    useTiledMeanGradient();
    const gradients = async (backend: 'cpu' | 'tensorflow') => {
      await selectBackend(backend);
      const x = tf.randomNormal([4, 6, 5], 0, 1, 'float32', 7);
      const upstream = tf.randomNormal([4, 5], 0, 1, 'float32', 8);
      const result = await values([tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, 1), upstream)))(x), tf.grad((t: tf.Tensor) => tf.mean(t))(x)]);
      tf.dispose([x, upstream]);
      return result;
    };
    const reference = await gradients('cpu');
    (await gradients('tensorflow')).forEach((g, i) => expect(g).toEqual(reference[i]));
  });

  for (const approximation of ['exact', 'tanh'] as GeluApproximation[]) {
    it(`the written-out ${approximation} GELU gradient is autodiff's`, async () => {
      await selectBackend('tensorflow');
      const x = tf.mul(tf.randomNormal([4000], 0, 1, 'float32', 5), 3);
      const dy = tf.randomNormal([4000], 0, 1, 'float32', 6);
      const [autodiff] = await values([tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(dy, gelu(xs, approximation))))(x)]);
      expectClose(await geluGradient(dy, x, approximation).data(), autodiff!, { relative: 1e-5, what: `gelu'(${approximation})` });
      tf.dispose([x, dy]);
    });
  }
});

/** The block's output and the gradients of sum(upstream * output) for the input and every weight. */
async function blockStep(block: tf.layers.Layer, x: tf.Tensor, upstream: tf.Tensor): Promise<Float32Array[]> {
  randomSource.reseed(77);
  const weights = block.trainableWeights.map((w) => w.read());
  let output: tf.Tensor | undefined;
  const grads = tf.grads((...inputs: tf.Tensor[]) => {
    output = tf.keep(block.apply(inputs[0]!, { training: true }) as tf.Tensor);
    return tf.sum(tf.mul(upstream, output));
  })([x, ...weights]);
  const result = await values([output!, ...grads]);
  tf.dispose([output!, ...grads]);
  return result;
}

describeWithTensorflow('the tensorflow forms of the blocks', () => {
  // Each model family's block, from its own cases (test/families/).
  for (const { blocks, block: makeBlock } of familyCases()) {
    const name = blocks[0]!.name;
    for (const approximation of ['exact', 'tanh'] as GeluApproximation[]) {
      it(`${name} (${approximation} GELU, dropout on): the wasm block's output and gradients within 1e-4`, async () => {
        await selectBackend('wasm');
        randomSource.reseed(3);
        const block = makeBlock({ dropoutRate: 0.2, gelu: approximation });
        const x = tf.randomNormal([4, 36, 20], 0, 1, 'float32', 8);
        const upstream = tf.randomNormal([4, 36, 20], 0, 1, 'float32', 9);
        block.apply(x); // builds the weights
        const wasm = await blockStep(block, x, upstream);
        await selectBackend('tensorflow');
        const native = await blockStep(block, x, upstream);
        const labels = ['output', 'input', ...block.trainableWeights.map((w) => w.originalName)];
        wasm.forEach((expected, i) => expectClose(native[i]!, expected, { relative: 1e-4, what: labels[i]! }));
        block.dispose();
        tf.dispose([x, upstream]);
      });
    }
  }
});
