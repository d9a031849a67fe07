/**
 * Registers every backend's forms of mlpx's ops (backends/<name>/register.ts), once: with mlpx's op
 * table (./op-forms.ts), and with tfjs's kernel and gradient registries where the op is a tfjs
 * kernel or gradient. Importing @mlpx/train registers nothing; selectBackend, buildClassifier,
 * buildPlainClassifier and loadModel call this, and it does nothing after the first call.
 * docs/backends.md lists the ops and their forms.
 */
import { registerHostForms } from './host/register.js';
import { registerTensorflowForms } from './tensorflow/register.js';
import { registerWebgpuForms } from './webgpu/register.js';

let registered = false;

export function registerBackendForms(): void {
  if (registered) return;
  registered = true;
  registerHostForms();
  registerTensorflowForms();
  registerWebgpuForms();
}
