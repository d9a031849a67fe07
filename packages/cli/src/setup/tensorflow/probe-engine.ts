/**
 * Run as a child process by setup, before the manifest is written: loads a freshly built engine
 * (the install described by argv[2], JSON) the way training will, runs one matmul on it, and
 * prints what TensorFlow reports. A library that does not resolve fails here, in the child, with
 * the dynamic loader's own message, instead of in the user's first training run; so does a
 * TensorFlow that aborts while loading, with what it printed (its start-up output is not filtered
 * here).
 */
import * as tf from '@tensorflow/tfjs';
import { activeTensorflowVersion, loadInstalledTensorflow, tensorflowBackend, type TensorflowInstall } from '@mlpx/train/tooling';

export interface ProbeReport {
  readonly version: string;
  readonly backend: string;
  readonly usingGpu: boolean;
  readonly matmul: number[];
}

const install = JSON.parse(process.argv[2]!) as TensorflowInstall;
await loadInstalledTensorflow(install, { filterStartupLog: false });
const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
const report: ProbeReport = {
  version: activeTensorflowVersion(),
  backend: tf.getBackend(),
  usingGpu: tensorflowBackend().isUsingGpuDevice === true,
  matmul: Array.from(await product.data()),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
