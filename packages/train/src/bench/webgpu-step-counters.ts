/**
 * What a training step asks of the GPU on tfjs's webgpu backend, counted where the backend does
 * it: compute dispatches (each `runWebGPUProgram` records one), buffer allocations (the buffer
 * manager's `acquireBuffer` when it has no free buffer of that size to reuse, and every acquire),
 * GPU->CPU readbacks (`read` / `readSync` of data that lives on the GPU) and the bytes moved each
 * way. Counting wraps the backend instance's methods and puts them back on `stop`.
 *
 * These counts are what a machine without a GPU can measure honestly (on SwiftShader they are the
 * same as on a real adapter); images/s on SwiftShader are not.
 *
 * The counting is webgpu's own (backends/webgpu/ops/webgpu-step-counters.ts), declared as its
 * gpuWorkCounter trait; other backends have none.
 */
import * as tf from '@tensorflow/tfjs';
import { backendTraits, type GpuWorkCounter, type GpuWorkCounts } from '../backend-api/backend-traits.js';

/** The counts of webgpu's counter (the backend traits' GpuWorkCounts). */
export type WebgpuCounts = GpuWorkCounts;
export type WebgpuCounter = GpuWorkCounter;

/** Starts counting on the active backend, which must be webgpu. */
export function countWebgpuWork(): WebgpuCounter {
  const start = backendTraits().gpuWorkCounter;
  if (!start) throw new Error(`counting WebGPU work needs the webgpu backend (active: ${tf.getBackend()})`);
  return start();
}
