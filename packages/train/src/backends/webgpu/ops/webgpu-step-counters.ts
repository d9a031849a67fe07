/**
 * WebGPU's counter of a training step's GPU work (bench/webgpu-step-counters.ts has what it counts
 * and why): it wraps the backend instance's methods (runWebGPUProgram, read, readSync,
 * uploadToGPU, the buffer manager's acquireBuffer) and puts them back on `stop`.
 */
import * as tf from '@tensorflow/tfjs';
import type { GpuWorkCounter as WebgpuCounter, GpuWorkCounts as WebgpuCounts } from '../../../backend-api/backend-traits.js';

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

/** Starts counting on the active backend, webgpu (registered only there: ../register.ts). */
export const countWorkOnWebgpu = (): WebgpuCounter => {
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
};
