/**
 * The seed's loss and metrics: sparse categorical cross-entropy from logits, accuracy, and top-5
 * accuracy (Keras' in_top_k: the true class counts as in the top k when fewer than k classes have
 * a strictly larger logit).
 */
import * as tf from '@tensorflow/tfjs';
import { TOP_K } from '@mlpx/core';

/** Mean cross-entropy of integer labels against logits [n, classes]. */
export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logProbabilities = tf.logSoftmax(logits as tf.Tensor2D);
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(labels, logits.shape[1]!)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

/** Sums over the batch, to accumulate exact epoch totals: [lossSum, correct, top5Correct]. */
export function batchTotals(logits: tf.Tensor, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const n = logits.shape[0]!;
    const lossSum = tf.mul(crossEntropyLoss(logits, labels), n);
    const trueLogit = tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1]!)), 1, true);
    const larger = tf.sum(tf.cast(tf.greater(logits, trueLogit), 'float32'), 1);
    const top1 = tf.sum(tf.cast(tf.equal(larger, 0), 'float32'));
    const top5 = tf.sum(tf.cast(tf.less(larger, TOP_K), 'float32'));
    return tf.stack([lossSum, top1, top5]) as tf.Tensor1D;
  });
}

export interface Totals {
  lossSum: number;
  correct: number;
  top5Correct: number;
  count: number;
}

export function emptyTotals(): Totals {
  return { lossSum: 0, correct: 0, top5Correct: 0, count: 0 };
}

export function addTotals(totals: Totals, values: ArrayLike<number>, count: number): void {
  totals.lossSum += values[0]!;
  totals.correct += values[1]!;
  totals.top5Correct += values[2]!;
  totals.count += count;
}

export interface Scores {
  loss: number;
  accuracy: number;
  top5: number;
}

export function scoresOf(totals: Totals): Scores {
  const n = Math.max(totals.count, 1);
  return { loss: totals.lossSum / n, accuracy: totals.correct / n, top5: totals.top5Correct / n };
}
