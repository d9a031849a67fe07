/**
 * The dropout mask drawn by the WebGPU shader is dropoutMask's, bit for bit: the same seed and
 * start give the same kept positions and the same scale, whatever the start's parity and the
 * size; so webgpu trains with the very masks wasm and tensorflow use, without uploading them.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { countWebgpuWork } from '@mlpx/train/src/bench/webgpu-step-counters.js';
import { dropoutMask } from '@mlpx/train/src/layers/ops/dropout.js';
import { dropoutMaskOnWebgpu, dropoutOnWebgpu } from '@mlpx/train/src/backends/webgpu/ops/dropout.js';
import { useSwiftShader } from '../../helpers/swiftshader.js';

useSwiftShader();

describe('dropout masks on webgpu', () => {
  it('are dropoutMask bit for bit, for any start and size, and upload nothing', async () => {
    await selectBackend('webgpu');
    const cases: { shape: number[]; rate: number; seed: number; start: number }[] = [
      { shape: [4, 8, 16], rate: 0.2, seed: 12345, start: 0 },
      { shape: [3, 7, 5], rate: 0.2, seed: 2 ** 31 - 1, start: 7 },
      { shape: [2, 33], rate: 0.5, seed: 0, start: 1001 },
      { shape: [1, 1], rate: 0.9, seed: 987654321, start: 3 },
    ];
    for (const { shape, rate, seed, start } of cases) {
      const counter = countWebgpuWork();
      const mask = dropoutMaskOnWebgpu(shape, rate, seed, start);
      const gpu = (await mask.data()) as Float32Array;
      const counts = counter.snapshot();
      counter.stop();
      mask.dispose();
      const host = dropoutMask(gpu.length, rate, seed, start);
      expect(Array.from(new Uint32Array(gpu.buffer)), JSON.stringify(shape)).toEqual(Array.from(new Uint32Array(host.buffer)));
      expect(counts.uploads).toBe(0);
      expect(counts.dispatches).toBe(1);
    }
    // The kept fraction is 1 - rate: the shader is not trivially all-kept or all-dropped.
    const large = dropoutMaskOnWebgpu([64, 1024], 0.2, 42, 0);
    const kept = ((await large.data()) as Float32Array).filter((v) => v > 0).length / large.size;
    large.dispose();
    expect(kept).toBeGreaterThan(0.78);
    expect(kept).toBeLessThan(0.82);
    expect(tf.getBackend()).toBe('webgpu');
  }, 60_000);

  it('applied in one shader, forward and backward, as x times that mask', async () => {
    await selectBackend('webgpu');
    const shape = [2, 5, 7];
    const x = tf.tensor(
      Float32Array.from({ length: 70 }, (_, i) => i - 35.5),
      shape,
    );
    const dy = tf.tensor(
      Float32Array.from({ length: 70 }, (_, i) => Math.cos(i)),
      shape,
    );
    const { value, grads } = tf.valueAndGrads((input: tf.Tensor) => tf.sum(tf.mul(dropoutOnWebgpu(input, 0.3, 777, 5), dy)))([x]);
    const mask = dropoutMask(70, 0.3, 777, 5);
    const xs = (await x.data()) as Float32Array;
    const dys = (await dy.data()) as Float32Array;
    const gradient = (await grads[0]!.data()) as Float32Array;
    let expected = 0;
    for (let i = 0; i < 70; i++) {
      expected += Math.fround(xs[i]! * mask[i]!) * dys[i]!;
      expect(gradient[i]).toBe(Math.fround(dys[i]! * mask[i]!));
    }
    expect((await value.data())[0]).toBeCloseTo(expected, 3);
    tf.dispose([x, dy, value, ...grads]);
  }, 60_000);
});
