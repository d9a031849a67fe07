/** The largest absolute difference between a and the reference b, over the largest magnitude in b. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return difference / scale;
}
