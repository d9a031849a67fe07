/** The FLOP count of a dense layer, which each family's blockFlops adds up (a multiply-add is 2). */

/** 2 * rows * inputs * outputs: [rows, inputs] x [inputs, outputs]. */
export function denseFlops(rows: number, inputs: number, outputs: number): number {
  return 2 * rows * inputs * outputs;
}
