/**
 * Picks the TensorFlow.js backend training runs on, and says why.
 *
 *   tensorflow  native TensorFlow through tfjs-node's addon: the engine `mlpx setup tensorflow`
 *               built against PyPI's TensorFlow (CPU, or CUDA with --gpu), else the
 *               @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node package where one is installed.
 *   webgpu      @tensorflow/tfjs-backend-webgpu on Dawn (the optional `webgpu` package): any GPU
 *               with a Vulkan, Metal or D3D12 driver, no CUDA toolkit.
 *   wasm        @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD), always installed.
 *   cpu         tfjs's pure-JavaScript kernels: slow, but runs anywhere.
 *   auto        the first of tensorflow, webgpu (only on a hardware adapter: a software one is
 *               slower than wasm), wasm, cpu that loads; the reasons the others were not used are
 *               reported. auto does not ask Dawn for an adapter where no GPU device node exists
 *               (gpu-devices.ts): the probe would only print Dawn's native warnings.
 */
import * as tf from '@tensorflow/tfjs';
import { firstThatLoads, NoneLoadedError, skipCandidate, type Skip, type SkippedCandidate } from '@mlpx/core';
import type { BackendChoice } from '../backend-api/backend-choices.js';
import { noWebgpuDeviceReason } from './webgpu/gpu-devices.js';
import { registerBackendForms } from './register-forms.js';
import { loadTensorflow } from './tensorflow/load-tensorflow.js';
import { describeAdapter, probeWebgpuAdapter, type WebgpuAdapterInfo } from './webgpu/webgpu-adapter.js';

export { BACKEND_CHOICES, type BackendChoice } from '../backend-api/backend-choices.js';

export interface SelectedBackend {
  /** The tfjs backend name now active: 'tensorflow', 'wasm' or 'cpu'. */
  readonly name: string;
  /** What was loaded, e.g. '@tensorflow/tfjs-backend-wasm 4.22.0 (SIMD)'. */
  readonly description: string;
  /** Why each backend tried before it was not used. */
  readonly skipped: readonly SkippedCandidate[];
  /** The WebGPU adapter, when the backend is webgpu. */
  readonly adapter?: WebgpuAdapterInfo;
}

export interface SelectBackendOptions {
  /** Finds the WebGPU adapter (tests replace it to fake one); replacing it also skips the device-node check. */
  readonly probeWebgpu?: () => Promise<WebgpuAdapterInfo>;
}

/** auto's probe: Dawn is asked only where a GPU (or a driver the user named) can answer. */
async function probeWhereUseful(): Promise<WebgpuAdapterInfo> {
  const reason = noWebgpuDeviceReason();
  if (reason !== undefined) throw new Error(reason);
  return probeWebgpuAdapter();
}

async function loadWebgpu(adapter: WebgpuAdapterInfo): Promise<string> {
  await import('@tensorflow/tfjs-backend-webgpu');
  await activate('webgpu');
  return `@tensorflow/tfjs-backend-webgpu ${tf.version_core} on ${describeAdapter(adapter)}`;
}

async function loadWasm(): Promise<string> {
  await import('@tensorflow/tfjs-backend-wasm');
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `@tensorflow/tfjs-backend-wasm ${tf.version_core}${simd ? ' (SIMD)' : ''}`;
}

async function loadCpu(): Promise<string> {
  await activate('cpu');
  return `tfjs cpu backend ${tf.version_core} (pure JavaScript)`;
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

type Candidate = Exclude<BackendChoice, 'auto'>;

const LOADERS: Record<Exclude<Candidate, 'webgpu'>, () => Promise<string>> = {
  tensorflow: async () => {
    const description = await loadTensorflow();
    await activate('tensorflow');
    return description;
  },
  wasm: loadWasm,
  cpu: loadCpu,
};

/** What loading one backend gives: its description, and the adapter for webgpu. */
interface LoadedBackend {
  readonly description: string;
  readonly adapter?: WebgpuAdapterInfo;
}

async function loadCandidate(name: Candidate, choice: BackendChoice, options: SelectBackendOptions): Promise<LoadedBackend | Skip> {
  if (name !== 'webgpu') return { description: await LOADERS[name]() };
  const adapter = await (options.probeWebgpu ?? (choice === 'auto' ? probeWhereUseful : probeWebgpuAdapter))();
  if (choice === 'auto' && adapter.software) {
    return skipCandidate(`only a software adapter is available (${describeAdapter(adapter)}), which trains slower than wasm`);
  }
  return { description: await loadWebgpu(adapter), adapter };
}

export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  // The backends' forms of mlpx's ops (backends/<name>/register.ts), registered once, here rather than on import.
  registerBackendForms();
  const candidates: readonly Candidate[] = choice === 'auto' ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : [choice];
  try {
    const { value, chosen, skipped } = await firstThatLoads(candidates, (name) => loadCandidate(name, choice, options), { heading: heading(choice) });
    return { name: chosen, description: value.description, skipped, ...(value.adapter ? { adapter: value.adapter } : {}) };
  } catch (error) {
    if (error instanceof NoneLoadedError) throw new NoBackendError(choice, error.skipped as readonly SkippedCandidate<Candidate>[]);
    throw error;
  }
}

function heading(choice: BackendChoice): string {
  return choice === 'auto' ? '--backend auto: no backend could be loaded' : `--backend ${choice} could not be loaded`;
}

/** No backend of those asked for could load; `skipped` says why for each (the one format of @mlpx/core's firstThatLoads). */
export class NoBackendError extends NoneLoadedError<Candidate> {
  constructor(
    readonly choice: BackendChoice,
    skipped: readonly SkippedCandidate<Candidate>[],
  ) {
    const hint =
      choice === 'tensorflow'
        ? 'Run `mlpx setup tensorflow` (or `mlpx setup tensorflow --gpu` for CUDA) to build it (https://github.com/mlpx/mlpx/blob/main/docs/native-tensorflow.md).'
        : undefined;
    super(heading(choice), skipped, hint);
  }
}
