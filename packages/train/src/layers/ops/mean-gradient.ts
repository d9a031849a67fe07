/**
 * tfjs's gradient of Mean (the classifier's GlobalAveragePooling1D, over [batch, patches,
 * channels]), with a cheaper form for the backends that register it (tensorflow and webgpu): the
 * same values, dy / n repeated along the reduced axes (one Tile kernel), instead of tfjs's
 * dy * ones(x.shape) / n, which fills a full-size array of ones in JavaScript at every step (7 ms
 * of a 2-core CPU's step for [128, 64, 256]), uploads it, and runs two full-size kernels (on webgpu
 * the ones were its largest upload of a step: 8 MB at batch 128). dy * 1 / n is dy / n exactly, so
 * the gradient is unchanged bit for bit. On wasm and cpu tfjs's own gradient runs.
 *
 * Mean is a tfjs kernel, so its gradient lives in tfjs's gradient registry, one per kernel for
 * every backend: useTiledMeanGradient registers one there (once) that takes meanGradientOp's
 * form for the active backend.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../../backend-api/op-forms.js';

type GradFunc = tf.GradFunc;

/** Mean's gradient from what tfjs passes a gradient function, and tfjs's own gradient of it. */
export type MeanGradientForm = (
  dy: Parameters<GradFunc>[0],
  saved: Parameters<GradFunc>[1],
  attrs: Parameters<GradFunc>[2],
  tfjsGradient: GradFunc,
) => ReturnType<GradFunc>;

/** The tiled form: dy / n broadcast back over the reduced axes. tensorflow and webgpu register it. */
export const tiledMeanGradient: MeanGradientForm = (dy, saved, attrs) => {
  const [x] = saved as [tf.Tensor];
  const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
  const expanded = x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
  const count = axes.reduce((product, axis) => product * x.shape[axis]!, 1);
  return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expanded), count), x.shape) };
};

/** Mean's gradient forms: tfjs's own unless a backend registers another. */
export const meanGradientOp = defineOp<MeanGradientForm>('meanGradient', (dy, saved, attrs, tfjsGradient) => tfjsGradient(dy, saved, attrs));

let installed = false;

/** Replaces Mean's registered gradient (once) with one that takes meanGradientOp's form for the active backend. */
export function useTiledMeanGradient(): void {
  if (installed) return;
  installed = true;
  const original = tf.getGradient('Mean');
  tf.registerGradient({ ...original, gradFunc: (dy, saved, attrs) => meanGradientOp.form()(dy, saved, attrs, original.gradFunc) });
}
