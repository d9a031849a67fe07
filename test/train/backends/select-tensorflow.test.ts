/** --backend auto takes the native TensorFlow engine first, once `mlpx setup tensorflow` has built it. */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { selectBackend } from '@mlpx/train/src/backends/select-backend.js';
import { describeWithTensorflow, tensorflowInstall } from '../../helpers/tensorflow.js';

describeWithTensorflow('selectBackend with the native engine set up', () => {
  it('auto chooses tensorflow, and names the TensorFlow it loaded', async () => {
    const selected = await selectBackend('auto');
    expect(selected.name).toBe('tensorflow');
    expect(selected.skipped).toEqual([]);
    expect(selected.description).toMatch(
      new RegExp(
        `^TensorFlow ${tensorflowInstall!.tensorflowVersion.replace(/\./g, '\\.')} \\(${tensorflowInstall!.distribution}.*, set up by mlpx\\) on the (CPU|GPU)`,
      ),
    );
    expect(tf.getBackend()).toBe('tensorflow');
    // One engine: the backend is registered in the tfjs mlpx itself uses.
    expect(tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]).toBe(6);
  }, 60_000);
});
