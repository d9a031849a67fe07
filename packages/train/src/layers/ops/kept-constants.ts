/**
 * Constant tensors an op builds once and keeps for the life of the process (the DFT matrices, the
 * FFT's lengths and mirrored rows), one set per backend, name and shape: a tensor lives on the
 * backend that made it (one made on webgpu cannot be read by wasm). They are kept out of every
 * tidy (tf.keep), so the first call may come from inside one.
 */
import * as tf from '@tensorflow/tfjs';

const kept = new Map<string, Readonly<Record<string, tf.Tensor>>>();

/** The tensors `build` makes, for this backend, `name` and `shape`: built on the first call, then the same ones. */
export function keptConstants<T extends Readonly<Record<string, tf.Tensor>>>(name: string, shape: readonly number[], build: () => T): T {
  const key = `${tf.getBackend()}:${name}:${shape.join('x')}`;
  const found = kept.get(key);
  if (found) return found as T;
  const built = build();
  for (const tensor of Object.values(built)) tf.keep(tensor);
  kept.set(key, built);
  return built;
}
