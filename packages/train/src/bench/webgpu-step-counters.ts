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
 * The counting is webgpu's own (backend/webgpu/ops/webgpu-step-counters.ts), registered as the
 * form of gpuWorkCounterOp; other backends have none.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../backend/op-forms.js';

export interface WebgpuCounts {
  /** Compute shader dispatches. */
  dispatches: number;
  /** Buffers acquired from the buffer manager, and how many of those were new allocations. */
  bufferAcquires: number;
  bufferAllocations: number;
  /** Reads of GPU data back to the CPU (each one waits for the GPU). */
  readbacks: number;
  readbackBytes: number;
  /** Data written from the CPU to the GPU. */
  uploads: number;
  uploadBytes: number;
}

export interface WebgpuCounter {
  /** The counts since start (or since the last reset). */
  snapshot(): WebgpuCounts;
  reset(): void;
  /** Restores the backend's own methods. */
  stop(): void;
}

/** Starts counting the active backend's GPU work; undefined (plain) for a backend that has no counter. */
export type GpuWorkCounterForm = (() => WebgpuCounter) | undefined;

export const gpuWorkCounterOp = defineOp<GpuWorkCounterForm>('gpuWorkCounter', undefined);

/** Starts counting on the active backend, which must be webgpu. */
export function countWebgpuWork(): WebgpuCounter {
  const start = gpuWorkCounterOp.form();
  if (!start) throw new Error(`counting WebGPU work needs the webgpu backend (active: ${tf.getBackend()})`);
  return start();
}
