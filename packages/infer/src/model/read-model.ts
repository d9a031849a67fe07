/** Reads an .onnx file written by `mlpx export` from disk (see @mlpx/core's onnx/model-info.ts for the checks). */
import { readFile } from 'node:fs/promises';
import { describeError, MlpxError, parseModelInfo, type ModelInfo } from '@mlpx/core';

export interface ModelFile extends ModelInfo {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export async function readModel(path: string): Promise<ModelFile> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MlpxError(code === 'ENOENT' ? `model file ${path} does not exist` : `cannot read the model ${path}: ${describeError(error)}`);
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  return { path, bytes, ...parseModelInfo(bytes, path) };
}
