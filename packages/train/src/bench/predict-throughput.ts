/**
 * TensorFlow.js inference throughput (model.predict) on the active backend: images per second at
 * a batch size, after warm-up, as the median of timed repetitions. The reference the exported
 * graph's ONNX Runtime figures are compared with.
 */
import * as tf from '@tensorflow/tfjs';

export async function measurePredictThroughput(
  model: tf.LayersModel,
  options: { batchSize: number; repetitions?: number; imagesPerRepetition?: number },
): Promise<number> {
  const [, height, width, channels] = model.inputs[0]!.shape as [null, number, number, number];
  const images = tf.tensor4d(Float32Array.from({ length: options.batchSize * height * width * channels }, (_, i) => (i * 7919) % 256), [options.batchSize, height, width, channels]);
  const run = async (): Promise<void> => {
    const logits = model.predict(images) as tf.Tensor;
    await logits.data();
    logits.dispose();
  };
  try {
    const batches = Math.max(1, Math.ceil((options.imagesPerRepetition ?? 256) / options.batchSize));
    for (let i = 0; i < 2; i++) await run();
    const rates: number[] = [];
    for (let r = 0; r < (options.repetitions ?? 3); r++) {
      const started = performance.now();
      for (let b = 0; b < batches; b++) await run();
      rates.push((batches * options.batchSize) / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    return rates[rates.length >> 1]!;
  } finally {
    images.dispose();
  }
}
