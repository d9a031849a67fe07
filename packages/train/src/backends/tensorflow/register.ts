/**
 * Native TensorFlow's (tfjs-node's 'tensorflow' backend) forms of mlpx's ops, registered with the
 * op table (../op-forms.ts), and Mean's gradient with tfjs's gradient registry (through
 * layers/ops/mean-gradient.ts). Called by ../register-forms.ts.
 */
import { declareBackendTraits } from '../../backend-api/backend-traits.js';
import { fnetBlockOp } from '../../layers/fnet-block.js';
import { gmlpBlockOp } from '../../layers/gmlp-block.js';
import { mixerBlockOp } from '../../layers/mixer-block.js';
import { denseOp } from '../../layers/ops/dense.js';
import { meanGradientOp, tiledMeanGradient, useTiledMeanGradient } from '../../layers/ops/mean-gradient.js';
import { zoomGatherOp } from '../../layers/ops/zoom.js';
import { trainStepRunnerOp } from '../../training/step-runner.js';
import { TENSORFLOW_BACKEND as TENSORFLOW } from './native-tensorflow.js';
import { registerOpForm } from '../../backend-api/op-forms.js';
import { denseOnTensorflow } from './ops/dense.js';
import { fnetBlockOnTensorflow } from './ops/fnet-block.js';
import { gmlpBlockOnTensorflow } from './ops/gmlp-block.js';
import { mixerBlockOnTensorflow } from './ops/mixer-block.js';
import { resultsReadyOnReturnOnTensorflow } from './results-ready-on-return.js';
import { trainStepRunnerOnTensorflow } from './ops/step-runner.js';
import { zoomGatherOnTensorflow } from './ops/zoom.js';

export function registerTensorflowForms(): void {
  registerOpForm(denseOp, TENSORFLOW, denseOnTensorflow);
  registerOpForm(zoomGatherOp, TENSORFLOW, zoomGatherOnTensorflow);
  registerOpForm(meanGradientOp, TENSORFLOW, tiledMeanGradient);
  useTiledMeanGradient();
  registerOpForm(mixerBlockOp, TENSORFLOW, mixerBlockOnTensorflow);
  registerOpForm(fnetBlockOp, TENSORFLOW, fnetBlockOnTensorflow);
  registerOpForm(gmlpBlockOp, TENSORFLOW, gmlpBlockOnTensorflow);
  registerOpForm(trainStepRunnerOp, TENSORFLOW, trainStepRunnerOnTensorflow);
  declareBackendTraits(TENSORFLOW, { resultsReadyOnReturn: resultsReadyOnReturnOnTensorflow });
}
