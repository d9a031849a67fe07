/**
 * Picks the TensorFlow.js backend training runs on, and says why.
 *
 *   tensorflow  @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node (libtensorflow; CUDA with
 *               -gpu). Optional peer dependencies: installed by the user where they can load.
 *   wasm        @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD), always installed.
 *   cpu         tfjs's pure-JavaScript kernels: slow, but runs anywhere.
 *   auto        the first of tensorflow, wasm, cpu that loads; the reasons the others were not
 *               used are reported.
 */
import * as tf from '@tensorflow/tfjs';
import { describeError, MlpxError } from '../errors.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface SelectedBackend {
  /** The tfjs backend name now active: 'tensorflow', 'wasm' or 'cpu'. */
  readonly name: string;
  /** What was loaded, e.g. '@tensorflow/tfjs-backend-wasm 4.22.0 (SIMD)'. */
  readonly description: string;
  /** Why each backend tried before it was not used. */
  readonly skipped: readonly { name: string; reason: string }[];
}

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function loadTensorflow(): Promise<string> {
  const failures: string[] = [];
  for (const pkg of TFJS_NODE_PACKAGES) {
    try {
      await import(pkg);
      await activate('tensorflow');
      return pkg;
    } catch (error) {
      const message = describeError(error).split('\n')[0]!;
      failures.push(/Cannot find (package|module)/.test(message) ? `${pkg} is not installed` : `${pkg} failed to load: ${message}`);
    }
  }
  throw new Error(failures.join('; '));
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

const LOADERS: Record<Exclude<BackendChoice, 'auto'>, () => Promise<string>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: loadCpu,
};

export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  const candidates = choice === 'auto' ? (['tensorflow', 'wasm', 'cpu'] as const) : [choice];
  const skipped: { name: string; reason: string }[] = [];
  for (const name of candidates) {
    try {
      const description = await LOADERS[name]();
      return { name, description, skipped };
    } catch (error) {
      skipped.push({ name, reason: describeError(error) });
    }
  }
  const reasons = skipped.map((s) => `  ${s.name}: ${s.reason}`).join('\n');
  const hint = choice === 'tensorflow' ? '\nSee the README, "Training on a GPU", to install @tensorflow/tfjs-node-gpu.' : '';
  throw new MlpxError(`--backend ${choice}: no backend could be loaded:\n${reasons}${hint}`);
}
