/**
 * The backends that compute on this machine's CPU, with tensors in host memory: reading a tensor
 * back costs a copy at most (so some ops run faster in JavaScript there), and a training step can
 * be split across threads (parallel/data-parallel-step.ts).
 */
export const CPU_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);
