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
import { registerBackendForms } from '../backends/register-forms.js';

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
      const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
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
        const files = manifest.flatMap((group) => group.paths).map((path) => join(folder, path));
        const buffers = await Promise.all(
          files.map(async (file) => {
            try {
              const bytes = await readFile(file);
              return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
            } catch (error) {
              throw new MlpxError(`cannot read the model weights ${file}: ${describeError(error)}`, { cause: error });
            }
          }),
        );
        const bytes = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
        const expected = weightBytes(specs);
        if (expected !== undefined && bytes !== expected) {
          const what =
            files.length === 1
              ? `${files[0]} has ${bytes.toLocaleString('en-US')} bytes`
              : `${files.join(', ')} have ${bytes.toLocaleString('en-US')} bytes together`;
          const why = bytes < expected ? 'cut short (an interrupted copy or download?)' : 'longer than the model (files from two runs?)';
          throw new MlpxError(
            `${what}, but ${jsonPath} describes ${expected.toLocaleString('en-US')} bytes of weights: ${files.length === 1 ? 'the file is' : 'they are'} ${why}; ` +
              'copy the run folder again from where it was trained, or train it again',
          );
        }
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** Bytes per value of the dtypes a weights manifest names (a quantized weight stores its quantized dtype). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** The bytes the weight files of `specs` hold in all, or undefined for a dtype this table lacks. */
function weightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const perValue = DTYPE_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (perValue === undefined) return undefined;
    total += spec.shape.reduce((a, b) => a * b, 1) * perValue;
  }
  return total;
}

/** Loads a model saved by saveModel (or any tfjs Layers model in a folder). */
export async function loadModel(folder: string): Promise<tf.LayersModel> {
  registerBackendForms(); // the layers' ops take their backend's forms, as in a built model
  try {
    return await tf.loadLayersModel(fileSystemLoader(folder));
  } catch (error) {
    if (error instanceof MlpxError) throw error;
    throw new MlpxError(`cannot load the model in ${folder}: ${describeError(error)}`, { cause: error });
  }
}
