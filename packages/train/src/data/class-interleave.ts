/**
 * A class-interleaved order of labelled examples: every prefix (and so every suffix) of the order
 * holds each class within less than one example of its proportional share. A folder: dataset is
 * put in this order, so that the seed's rules for array datasets, the first N images for --limit
 * and the last fraction for the validation split, take every class in proportion.
 *
 * This is Tijdeman's solution of the chairman assignment problem (R. Tijdeman, "The chairman
 * assignment problem", Discrete Mathematics 32, 1980): with k classes of shares p_c, position m
 * goes, among the classes that may take it without getting more than m * p_c + s examples, to the
 * one whose deadline (the position where it would fall more than s behind) comes first, for
 * s = 1 - 1/(2k - 2); then |count_c(m) - m * p_c| <= s < 1 for every m and c. Ties go to the lower
 * class index, and each class keeps its examples' relative order, so the order is deterministic.
 */

/** Indices of `labels` in class-interleaved order; the examples of each class keep their order. */
export function classInterleavedOrder(labels: ArrayLike<number>): Int32Array {
  const total = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < total; i++) {
    const indices = byClass.get(labels[i]!);
    if (indices) indices.push(i);
    else byClass.set(labels[i]!, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((label) => byClass.get(label)!);
  const order = new Int32Array(total);
  if (classes.length === 1) {
    order.set(classes[0]!);
    return order;
  }
  // In units of 1 / (2k - 2), so that the bounds are exact integer comparisons:
  // class c may take position m when m * n_c * d >= (taken_c * d + 1) * total, and its
  // deadline is (taken_c * d + d - 1) / n_c.
  const d = 2 * classes.length - 2;
  const taken = new Array<number>(classes.length).fill(0);
  for (let m = 1; m <= total; m++) {
    let chosen = -1;
    for (let c = 0; c < classes.length; c++) {
      const size = classes[c]!.length;
      if (taken[c]! >= size || m * size * d < (taken[c]! * d + 1) * total) continue;
      if (chosen < 0 || earlierDeadline(taken[c]!, size, taken[chosen]!, classes[chosen]!.length, d)) chosen = c;
    }
    // Tijdeman's theorem says some class may always take the position; this only guards it.
    if (chosen < 0) chosen = classes.findIndex((indices, c) => taken[c]! < indices.length);
    order[m - 1] = classes[chosen]![taken[chosen]!]!;
    taken[chosen] = taken[chosen]! + 1;
  }
  return order;
}

/** Whether (a's taken * d + d - 1) / a's size < (b's taken * d + d - 1) / b's size. */
function earlierDeadline(takenA: number, sizeA: number, takenB: number, sizeB: number, d: number): boolean {
  return (takenA * d + d - 1) * sizeB < (takenB * d + d - 1) * sizeA;
}
