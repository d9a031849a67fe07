/** Top-k predictions from a row of probabilities. */
export interface Prediction {
  readonly label: string;
  readonly index: number;
  readonly probability: number;
}

export function topPredictions(probabilities: ArrayLike<number>, labels: readonly string[], k: number): Prediction[] {
  return Array.from({ length: probabilities.length }, (_, index) => index)
    .sort((a, b) => probabilities[b]! - probabilities[a]! || a - b)
    .slice(0, Math.max(1, k))
    .map((index) => ({ label: labels[index] ?? `class ${index}`, index, probability: probabilities[index]! }));
}
