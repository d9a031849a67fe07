/**
 * The host backends' (wasm and cpu, ./backends.ts) forms of mlpx's ops, registered with the op
 * table (backend-api/op-forms.ts) for each of them, and their traits
 * (backend-api/backend-traits.ts). Called by ../register-forms.ts.
 */
import { declareBackendTraits } from '../../backend-api/backend-traits.js';
import { layerNormParameterGradientsOp } from '../../layers/ops/layer-norm.js';
import { zoomOp } from '../../layers/ops/zoom.js';
import { registerOpForm } from '../../backend-api/op-forms.js';
import { HOST_BACKENDS } from './backends.js';
import { layerNormParameterGradientsOnHost } from './ops/layer-norm.js';
import { zoomOnHostForm } from './ops/zoom.js';

/** Tensors in JavaScript-visible memory, ops computed before they return. */
const resultsReadyOnReturn = (): boolean => true;

export function registerHostForms(): void {
  for (const backend of HOST_BACKENDS) {
    registerOpForm(layerNormParameterGradientsOp, backend, layerNormParameterGradientsOnHost);
    registerOpForm(zoomOp, backend, zoomOnHostForm);
    // Each worker thread runs its own instance of the backend (parallel/data-parallel-step.ts).
    declareBackendTraits(backend, { dataParallelSteps: true, resultsReadyOnReturn });
  }
}
