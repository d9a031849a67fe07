/**
 * What a backend is, as opposed to how it computes an op (./op-forms.ts): facts that generic code
 * asks before or around running ops, declared by each backend in its register.ts, as tfjs keeps
 * such facts on the backend object (KernelBackend.floatPrecision()).
 *
 *   declareBackendTraits('webgpu', { metricsReadIntervalMs: 1000, gpuWorkCounter: countWorkOnWebgpu });
 *   backendTraits().metricsReadIntervalMs        // the active backend's
 *   backendTraits('wasm').dataParallelSteps      // another backend's, active or not
 *
 * A backend that declares nothing has DEFAULT_BACKEND_TRAITS. Nothing is declared on import:
 * backends/register-forms.ts declares every backend's traits with its forms.
 */
import * as tf from '@tensorflow/tfjs';

/** What a training step asks of the GPU, counted where the backend does it (bench/webgpu-step-counters.ts). */
export interface GpuWorkCounts {
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

export interface GpuWorkCounter {
  /** The counts since start (or since the last reset). */
  snapshot(): GpuWorkCounts;
  reset(): void;
  /** Restores the backend's own methods. */
  stop(): void;
}

export interface BackendTraits {
  /**
   * Whether a training step can be split across worker threads, each with its own instance of the
   * backend (parallel/data-parallel-step.ts): the host backends, which compute on this machine's
   * CPU; not a GPU backend, which parallelises inside each op.
   */
  readonly dataParallelSteps: boolean;
  /**
   * Whether an op's result has been computed when the op returns (asked at the time: native
   * TensorFlow's answer depends on its device). No means a timing must wait for a readback
   * (bench/matmul-peak.ts).
   */
  readonly resultsReadyOnReturn: () => boolean;
  /**
   * How long, in milliseconds, training steps run between two reads of their metrics
   * (training/step-metrics.ts): 0 reads every step.
   */
  readonly metricsReadIntervalMs: number;
  /** Starts counting the GPU work of the backend's ops; undefined where it has no counter. */
  readonly gpuWorkCounter: (() => GpuWorkCounter) | undefined;
}

export const DEFAULT_BACKEND_TRAITS: BackendTraits = {
  dataParallelSteps: false,
  resultsReadyOnReturn: () => false,
  metricsReadIntervalMs: 0,
  gpuWorkCounter: undefined,
};

const declared = new Map<string, BackendTraits>();

/**
 * Declares the traits of the backend named `backendName` (a tfjs backend name); those it leaves
 * out keep their defaults. Declaring the same traits again does nothing; different ones are refused.
 */
export function declareBackendTraits(backendName: string, traits: Partial<BackendTraits>): void {
  const full: BackendTraits = { ...DEFAULT_BACKEND_TRAITS, ...traits };
  const earlier = declared.get(backendName);
  if (earlier && !sameTraits(earlier, full)) throw new Error(`the backend ${backendName} already declared other traits`);
  declared.set(backendName, full);
}

function sameTraits(a: BackendTraits, b: BackendTraits): boolean {
  return (Object.keys(a) as (keyof BackendTraits)[]).every((key) => a[key] === b[key]);
}

/** The traits of the backend named `backendName` (default: the active one). */
export function backendTraits(backendName: string = tf.getBackend()): BackendTraits {
  return declared.get(backendName) ?? DEFAULT_BACKEND_TRAITS;
}

/** The backends that declared traits for which `has` holds, in the order they declared them. */
export function backendsWhere(has: (traits: BackendTraits) => boolean): string[] {
  return [...declared].filter(([, traits]) => has(traits)).map(([name]) => name);
}
