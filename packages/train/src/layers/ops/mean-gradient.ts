/**
 * tfjs's gradient of Mean (the classifier's GlobalAveragePooling1D, over [batch, patches,
 * channels]) in a cheaper form on native TensorFlow: the same values, dy / n repeated along the
 * reduced axes (one Tile kernel), instead of tfjs's dy * ones(x.shape) / n, which fills a
 * full-size array of ones in JavaScript at every step (7 ms of a 2-core CPU's step for
 * [128, 64, 256]), uploads it, and runs two full-size kernels. dy * 1 / n is dy / n exactly, so
 * the gradient is unchanged bit for bit. webgpu takes the same form (the ones were its largest
 * upload of a step: 8 MB at batch 128); on wasm and cpu tfjs's own gradient runs.
 */
import * as tf from '@tensorflow/tfjs';
import { onTensorflow } from '../../backend/native-tensorflow.js';

let installed = false;

/** Replaces Mean's registered gradient (once) with one that takes this form on the tensorflow and webgpu backends. */
export function useTiledMeanGradient(): void {
  if (installed) return;
  installed = true;
  const original = tf.getGradient('Mean');
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      if (!onTensorflow() && tf.getBackend() !== 'webgpu') return original.gradFunc(dy, saved, attrs);
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
      const expanded = x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size));
      const count = axes.reduce((product, axis) => product * x.shape[axis]!, 1);
      return { x: () => tf.broadcastTo(tf.div(tf.reshape(dy as tf.Tensor, expanded), count), x.shape) };
    },
  });
}
