/**
 * The plain matmul rate of the active backend on one thread, the yardstick for training speed:
 * [8192, 256] x [256, 256] (the shape of a dense layer at the seed configuration: 128 images of 64
 * patches), the median of timed repetitions after warm-up, in GFLOP/s. Where an op has run when
 * it returns (wasm, cpu, TensorFlow on the CPU) copying its 8 MB result out is not timed; on a GPU
 * (webgpu, TensorFlow's CUDA build), which computes asynchronously, each repetition is timed to
 * the end of its readback. Which of the two a backend is, it declares (its resultsReadyOnReturn trait).
 */
import * as tf from '@tensorflow/tfjs';
import { median } from '@mlpx/core';
import { backendTraits } from '../backend-api/backend-traits.js';

export async function measureMatmulGflops(repetitions = 7): Promise<number> {
  const [rows, inner, columns] = [8192, 256, 256];
  const a = tf.randomNormal([rows, inner], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([inner, columns], 0, 1, 'float32', 2) as tf.Tensor2D;
  const rates: number[] = [];
  const synchronous = backendTraits().resultsReadyOnReturn();
  try {
    for (let r = 0; r < repetitions + 2; r++) {
      const started = performance.now();
      const c = tf.matMul(a, b);
      if (!synchronous) await c.data();
      const elapsed = performance.now() - started;
      c.dispose();
      if (r >= 2) rates.push((2 * rows * inner * columns) / (elapsed / 1000) / 1e9);
    }
  } finally {
    tf.dispose([a, b]);
  }
  return median(rates);
}
