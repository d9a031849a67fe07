/** Exported copies of the briefly trained test models, as .onnx files with their labels. */
import type * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { METADATA_KEYS } from '@mlpx/core/src/onnx/contract.js';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { FASHION_MNIST_CLASS_NAMES } from '@mlpx/train/src/data/fashion-mnist.js';

export async function writeOnnx(model: tf.LayersModel, folder: string, name: string): Promise<string> {
  const path = join(folder, `${name}.onnx`);
  await writeFile(path, exportToOnnx(model, { metadata: { [METADATA_KEYS.labels]: JSON.stringify(FASHION_MNIST_CLASS_NAMES) } }));
  return path;
}
