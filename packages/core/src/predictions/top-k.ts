/**
 * Top-k predictions from a row of probabilities, and the k mlpx reports by default (the seed's
 * top-5 accuracy).
 */
export const TOP_K = 5;

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
