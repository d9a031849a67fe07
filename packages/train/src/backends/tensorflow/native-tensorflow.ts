/**
 * Native TensorFlow (tfjs-node's 'tensorflow' backend, on a CPU or a GPU): its backend name.
 *
 * The layers' ops were tuned for wasm, whose matmul is 7 to 25 times slower with a transposed
 * operand and whose Sum over leading axes is slow (docs/toolchain-notes.md). On TensorFlow each tfjs op
 * is one eagerly executed TensorFlow kernel: a matmul takes its transpose flags for free, a sum
 * over rows is one fast reduction, and an explicit transpose is a full copy. And since tfjs's
 * tape keeps every intermediate of the forward pass, and the gradient of each, until the step
 * ends, fewer, larger ops with hand-written gradients also cut the step's peak memory. The ops
 * that differ have TensorFlow forms (tensorflow/ops/), which tensorflow/register.ts registers for
 * this backend name (docs/backends.md).
 */

export const TENSORFLOW_BACKEND = 'tensorflow';
