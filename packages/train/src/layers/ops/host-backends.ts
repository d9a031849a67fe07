/** Backends whose tensors live in host memory, where reading one back costs a copy at most. */
export const HOST_BACKENDS: ReadonlySet<string> = new Set(['wasm', 'cpu']);
