/**
 * The gMLP block's projection to 2D channels (layers/gmlp-block.ts) on webgpu: one projection and
 * one GELU, then the split into u and v. Where each op is a dispatch, that is fewer than the plain
 * form's two projections by the kernel's halves (no slices of the kernel, nor their gradients'
 * pads and sum); the dense layer and GELU take their own webgpu forms.
 */
import * as tf from '@tensorflow/tfjs';
import type { GmlpProjectionForm } from '../../../layers/gmlp-block.js';
import { denseLastAxis } from '../../../layers/ops/dense.js';
import { gelu } from '../../../layers/ops/gelu.js';

export const gmlpProjectionOnWebgpu: GmlpProjectionForm = (x, kernel, bias, approximation) =>
  tf.split(gelu(denseLastAxis(x, kernel, bias), approximation), 2, -1);
