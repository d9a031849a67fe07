/**
 * Saves and loads a model in the TensorFlow.js Layers format (model.json + weights.bin), the
 * format tf.loadLayersModel reads. Written through our own IO handler because the file:// handler
 * exists only with tfjs-node. Loading needs mlpx's layer classes registered with tfjs, which the
 * side-effect import of the layers below guarantees.
 */
import * as tf from '@tensorflow/tfjs';
import '../layers/index.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError, MlpxError, writeFileAtomic } from '@mlpx/core';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes model.json and weights.bin into `folder` (each atomically; weights first). */
export async function saveModel(model: tf.LayersModel, folder: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (!artifacts.modelTopology || !artifacts.weightSpecs || weightData === undefined) {
        throw new Error('tfjs produced no topology or weights to save');
      }
      const bytes = new Uint8Array(tf.io.concatenateArrayBuffers(Array.isArray(weightData) ? weightData : [weightData]));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
      };
      await writeFileAtomic(join(folder, WEIGHTS_BIN), bytes);
      await writeFileAtomic(join(folder, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** An IO handler reading model.json and its weight files from a folder, for tf.loadLayersModel. */
export function fileSystemLoader(folder: string): tf.io.IOHandler {
  return {
    load: async () => {
      const jsonPath = join(folder, MODEL_JSON);
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (error) {
        throw new MlpxError(`cannot read the model ${jsonPath}: ${describeError(error)}`, { cause: error });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(
          manifest.flatMap((group) => group.paths).map(async (path) => {
            const file = join(folder, path);
            try {
              const bytes = await readFile(file);
              return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
            } catch (error) {
              throw new MlpxError(`cannot read the model weights ${file}: ${describeError(error)}`, { cause: error });
            }
          }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** Loads a model saved by saveModel (or any tfjs Layers model in a folder). */
export async function loadModel(folder: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(fileSystemLoader(folder));
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot load the model in ${folder}: ${describeError(error)}`, { cause: error });
  }
}
