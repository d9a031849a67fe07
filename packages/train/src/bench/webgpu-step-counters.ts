/**
 * What a training step asks of the GPU on tfjs's webgpu backend, counted where the backend does
 * it: compute dispatches (each `runWebGPUProgram` records one), buffer allocations (the buffer
 * manager's `acquireBuffer` when it has no free buffer of that size to reuse, and every acquire),
 * GPU->CPU readbacks (`read` / `readSync` of data that lives on the GPU) and the bytes moved each
 * way. Counting wraps the backend instance's methods and puts them back on `stop`.
 *
 * These counts are what a machine without a GPU can measure honestly (on SwiftShader they are the
 * same as on a real adapter); images/s on SwiftShader are not.
 */
import * as tf from '@tensorflow/tfjs';

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

interface CountedBackend {
  runWebGPUProgram: (...args: unknown[]) => unknown;
  read: (dataId: object) => Promise<unknown>;
  readSync: (dataId: object) => unknown;
  uploadToGPU: (dataId: object) => void;
  tensorMap: { get(dataId: object): { values?: ArrayBufferView | null; resource?: unknown; shape: number[]; dtype: string } | undefined };
  bufferManager: {
    acquireBuffer: (size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean) => unknown;
    getNumFreeBuffers(): number;
  };
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 4, complex64: 8 };

function byteSize(data: { shape: number[]; dtype: string }): number {
  return data.shape.reduce((a, b) => a * b, 1) * (BYTES_PER_ELEMENT[data.dtype] ?? 4);
}

function zero(): WebgpuCounts {
  return { dispatches: 0, bufferAcquires: 0, bufferAllocations: 0, readbacks: 0, readbackBytes: 0, uploads: 0, uploadBytes: 0 };
}

/** Starts counting on the active backend, which must be webgpu. */
export function countWebgpuWork(): WebgpuCounter {
  if (tf.getBackend() !== 'webgpu') throw new Error(`counting WebGPU work needs the webgpu backend (active: ${tf.getBackend()})`);
  const backend = tf.backend() as unknown as CountedBackend;
  const manager = backend.bufferManager;
  const own = {
    runWebGPUProgram: backend.runWebGPUProgram,
    read: backend.read,
    readSync: backend.readSync,
    uploadToGPU: backend.uploadToGPU,
    acquireBuffer: manager.acquireBuffer,
  };
  let counts = zero();
  // A read of data already on the CPU (values cached, never uploaded) is no readback.
  const onGpu = (dataId: object): { shape: number[]; dtype: string } | undefined => {
    const data = backend.tensorMap.get(dataId);
    return data && data.values == null ? data : undefined;
  };
  backend.runWebGPUProgram = function (this: CountedBackend, ...args: unknown[]) {
    counts.dispatches++;
    return own.runWebGPUProgram.apply(this, args);
  };
  const countReadback = (dataId: object): void => {
    const data = onGpu(dataId);
    if (data) {
      counts.readbacks++;
      counts.readbackBytes += byteSize(data);
    }
  };
  backend.read = function (this: CountedBackend, dataId: object) {
    countReadback(dataId);
    return own.read.call(this, dataId);
  };
  backend.readSync = function (this: CountedBackend, dataId: object) {
    countReadback(dataId);
    return own.readSync.call(this, dataId);
  };
  backend.uploadToGPU = function (this: CountedBackend, dataId: object) {
    const data = backend.tensorMap.get(dataId);
    if (data && data.values != null && data.resource == null) {
      counts.uploads++;
      counts.uploadBytes += byteSize(data);
    }
    own.uploadToGPU.call(this, dataId);
  };
  manager.acquireBuffer = function (this: unknown, size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean) {
    counts.bufferAcquires++;
    const freeBefore = manager.getNumFreeBuffers();
    const buffer = own.acquireBuffer.call(this, size, usage, mappedAtCreation, reuse);
    if (manager.getNumFreeBuffers() === freeBefore) counts.bufferAllocations++;
    return buffer;
  };
  return {
    snapshot: () => ({ ...counts }),
    reset: () => {
      counts = zero();
    },
    stop: () => {
      backend.runWebGPUProgram = own.runWebGPUProgram;
      backend.read = own.read;
      backend.readSync = own.readSync;
      backend.uploadToGPU = own.uploadToGPU;
      manager.acquireBuffer = own.acquireBuffer;
    },
  };
}
