/**
 * WebGPU's (tfjs-backend-webgpu's 'webgpu' backend) forms of mlpx's ops, registered with the op
 * table (../op-forms.ts); the kernel that runs mlpx's shaders with tfjs's kernel registry
 * (./flat-program.ts), and Mean's gradient with its gradient registry (through
 * layers/ops/mean-gradient.ts). Called by ../register-forms.ts.
 */
import { declareBackendTraits } from '../../backend-api/backend-traits.js';
import { gmlpProjectionOp } from '../../layers/gmlp-block.js';
import { denseOp } from '../../layers/ops/dense.js';
import { dropoutMaskOp, dropoutOp } from '../../layers/ops/dropout.js';
import { geluOp } from '../../layers/ops/gelu.js';
import { layerNormOp } from '../../layers/ops/layer-norm.js';
import { meanGradientOp, tiledMeanGradient, useTiledMeanGradient } from '../../layers/ops/mean-gradient.js';
import { adamWUpdateOp } from '../../training/adamw.js';
import { registerOpForm } from '../../backend-api/op-forms.js';
import { registerFlatProgramKernel } from './flat-program.js';
import { adamWUpdateOnWebgpu } from './ops/adamw.js';
import { denseOnWebgpu } from './ops/dense.js';
import { dropoutFormOnWebgpu, dropoutMaskFormOnWebgpu } from './ops/dropout.js';
import { geluOnWebgpu } from './ops/gelu.js';
import { gmlpProjectionOnWebgpu } from './ops/gmlp-block.js';
import { layerNormFusedOnWebgpu } from './ops/layer-norm.js';
import { countWorkOnWebgpu } from './ops/webgpu-step-counters.js';

/** tfjs-backend-webgpu's backend name. */
export const WEBGPU = 'webgpu';

export function registerWebgpuForms(): void {
  registerFlatProgramKernel();
  registerOpForm(geluOp, WEBGPU, geluOnWebgpu);
  registerOpForm(denseOp, WEBGPU, denseOnWebgpu);
  registerOpForm(layerNormOp, WEBGPU, layerNormFusedOnWebgpu);
  registerOpForm(dropoutMaskOp, WEBGPU, dropoutMaskFormOnWebgpu);
  registerOpForm(dropoutOp, WEBGPU, dropoutFormOnWebgpu);
  registerOpForm(meanGradientOp, WEBGPU, tiledMeanGradient);
  useTiledMeanGradient();
  registerOpForm(gmlpProjectionOp, WEBGPU, gmlpProjectionOnWebgpu);
  registerOpForm(adamWUpdateOp, WEBGPU, adamWUpdateOnWebgpu);
  declareBackendTraits(WEBGPU, {
    // Steps' metrics read back once a second, all pending steps in one readback, so that the GPU
    // never waits for the CPU between steps (training/step-metrics.ts).
    metricsReadIntervalMs: 1000,
    gpuWorkCounter: countWorkOnWebgpu,
  });
}
