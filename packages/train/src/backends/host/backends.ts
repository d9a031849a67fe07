/**
 * The host backends: the tfjs backends that compute on this machine's CPU with tensors in
 * JavaScript-visible memory. Reading a tensor back costs a copy at most (so some ops run faster in
 * JavaScript there: ops/), and a training step can be split across threads
 * (parallel/data-parallel-step.ts).
 */
export const HOST_BACKENDS: readonly string[] = ['wasm', 'cpu'];
