/**
 * How many of `total` images each class keeps when a dataset is cut down class by class: in
 * proportion to the class sizes (largest remainders round up, ties to the lower class index), at
 * least one of each class, never more than a class has.
 */
export function classShares(sizes: readonly number[], total: number): number[] {
  const all = sizes.reduce((sum, size) => sum + size, 0);
  if (total >= all) return [...sizes];
  const present = sizes.filter((size) => size > 0).length;
  if (total < present) throw new RangeError(`${total} images cannot hold one of each of ${present} classes`);
  const exact = sizes.map((size) => (total * size) / all);
  const shares = sizes.map((size, c) => (size === 0 ? 0 : Math.min(size, Math.max(1, Math.floor(exact[c]!)))));
  let kept = shares.reduce((sum, share) => sum + share, 0);
  for (; kept < total; kept++) {
    const c = largest(shares, (share, i) => (share < sizes[i]! ? exact[i]! - share : undefined));
    shares[c] = shares[c]! + 1;
  }
  // The one image of a class too small for a share of its own is taken from the classes most over their share.
  for (; kept > total; kept--) {
    const c = largest(shares, (share, i) => (share > 1 ? share - exact[i]! : undefined));
    shares[c] = shares[c]! - 1;
  }
  return shares;
}

/** The index whose score is largest (the lower index on a tie), among those with a score. */
function largest(values: readonly number[], score: (value: number, index: number) => number | undefined): number {
  let best = -1;
  let bestScore = -Infinity;
  values.forEach((value, index) => {
    const s = score(value, index);
    if (s !== undefined && s > bestScore) {
      best = index;
      bestScore = s;
    }
  });
  return best;
}
