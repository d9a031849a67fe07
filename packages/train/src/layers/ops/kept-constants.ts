/**
 * Constant tensors an op builds once and keeps for the life of the process (the DFT matrices, the
 * FFT's lengths and mirrored rows), one set per backend, name and shape: a tensor lives on the
 * backend that made it (one made on webgpu cannot be read by wasm). They are kept out of every
 * tidy (tf.keep), so the first call may come from inside one.
 */
import * as tf from '@tensorflow/tfjs';

/** Per backend (the instance that holds the tensors), the constants by name and shape. */
const kept = new WeakMap<object, Map<string, Readonly<Record<string, tf.Tensor>>>>();

/** The tensors `build` makes, for the active backend, `name` and `shape`: built on the first call, then the same ones. */
export function keptConstants<T extends Readonly<Record<string, tf.Tensor>>>(name: string, shape: readonly number[], build: () => T): T {
  const backend = tf.backend();
  let constants = kept.get(backend);
  if (!constants) {
    constants = new Map();
    kept.set(backend, constants);
  }
  const key = `${name}:${shape.join('x')}`;
  const found = constants.get(key);
  if (found) return found as T;
  const built = build();
  for (const tensor of Object.values(built)) tf.keep(tensor);
  constants.set(key, built);
  return built;
}
