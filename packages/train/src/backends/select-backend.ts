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
import { describeError, MlpxError } from '@mlpx/core';
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
  readonly skipped: readonly { name: string; reason: string }[];
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

export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  // The backends' forms of mlpx's ops (backends/<name>/register.ts), registered once, here rather than on import.
  registerBackendForms();
  const candidates: readonly Candidate[] = choice === 'auto' ? ['tensorflow', 'webgpu', 'wasm', 'cpu'] : [choice];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of candidates) {
    try {
      if (name === 'webgpu') {
        const adapter = await (options.probeWebgpu ?? (choice === 'auto' ? probeWhereUseful : probeWebgpuAdapter))();
        if (choice === 'auto' && adapter.software) {
          throw new Error(`only a software adapter is available (${describeAdapter(adapter)}), which trains slower than wasm`);
        }
        return { name, description: await loadWebgpu(adapter), skipped, adapter };
      }
      return { name, description: await LOADERS[name](), skipped };
    } catch (error) {
      skipped.push({ name, reason: describeError(error) });
    }
  }
  throw new NoBackendError(choice, skipped);
}

/** No backend of those asked for could load; `skipped` says why for each. */
export class NoBackendError extends MlpxError {
  constructor(
    readonly choice: BackendChoice,
    readonly skipped: readonly { name: string; reason: string }[],
  ) {
    const reasons = skipped.map((s) => `  ${s.name}: ${s.reason}`).join('\n');
    const hint =
      choice === 'tensorflow'
        ? '\nRun `mlpx setup tensorflow` (or `mlpx setup tensorflow --gpu` for CUDA) to build it (https://github.com/mlpx/mlpx/blob/main/docs/native-tensorflow.md).'
        : '';
    super(`--backend ${choice}: no backend could be loaded:\n${reasons}${hint}`);
  }
}
