/**
 * TensorFlow.js inference throughput (model.predict) on the active backend: images per second at
 * a batch size, after warm-up, as the median of timed repetitions. The reference the exported
 * graph's ONNX Runtime figures are compared with.
 */
import * as tf from '@tensorflow/tfjs';
import { imagesPerSecond, type RepetitionOptions } from '@mlpx/core';

export async function measurePredictThroughput(model: tf.LayersModel, options: RepetitionOptions & { batchSize: number }): Promise<number> {
  const [, height, width, channels] = model.inputs[0]!.shape as [null, number, number, number];
  const images = tf.tensor4d(
    Float32Array.from({ length: options.batchSize * height * width * channels }, (_, i) => (i * 7919) % 256),
    [options.batchSize, height, width, channels],
  );
  try {
    return await imagesPerSecond(
      async () => {
        const logits = model.predict(images) as tf.Tensor;
        await logits.data();
        logits.dispose();
      },
      options.batchSize,
      options,
    );
  } finally {
    images.dispose();
  }
}
