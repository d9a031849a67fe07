/**
 * Top-k predictions from a row of probabilities, and the k mlpx reports by default (the seed's
 * top-5 accuracy; for a model of fewer classes, every class: a 3-class model reports top-3).
 */
export const TOP_K = 5;

/**
 * The k of the top-k accuracy reported for a model of `classes` classes: min(TOP_K, classes).
 * The accuracy itself needs no change (a class is in the top k when fewer than k classes score
 * higher, which with fewer than 5 classes it always is), only its name.
 */
export function reportedTopK(classes: number): number {
  return Math.min(TOP_K, classes);
}

export interface Prediction {
  readonly label: string;
  readonly index: number;
  readonly probability: number;
}

/** The k most probable classes, most probable first; ties go to the lower class index. */
export function topPredictions(probabilities: ArrayLike<number>, labels: readonly string[], k: number): Prediction[] {
  return Array.from({ length: probabilities.length }, (_, index) => index)
    .sort((a, b) => probabilities[b]! - probabilities[a]! || a - b)
    .slice(0, Math.max(1, k))
    .map((index) => ({ label: labels[index] ?? `class ${index}`, index, probability: probabilities[index]! }));
}
