/** Loss, accuracy and top-5 of a model on a split, in inference mode, batch by batch. */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/dataset.js';
import { gatherBatch, type ImageShape } from './batches.js';
import { addTotals, batchTotals, emptyTotals, type Scores, scoresOf } from './metrics.js';

export async function evaluate(model: tf.LayersModel, split: ImageSplit, shape: ImageShape, batchSize: number): Promise<Scores> {
  const totals = emptyTotals();
  for (let start = 0; start < split.count; start += batchSize) {
    const end = Math.min(start + batchSize, split.count);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const values = tf.tidy(() => {
      const batch = gatherBatch(split, shape, indices);
      const logits = model.apply(batch.images, { training: false }) as tf.Tensor;
      return batchTotals(logits, batch.labels);
    });
    addTotals(totals, await values.data(), end - start);
    values.dispose();
  }
  return scoresOf(totals);
}
