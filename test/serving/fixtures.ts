/**
 * What the serving tests share: a small trained model (mlpx train, then mlpx export, as a user
 * makes one), real Fashion-MNIST test images, onnxruntime-node's own answers for them
 * (createClassifier, each image alone), and the protocol's requests and responses on the wire.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClassifier } from '@mlpx/infer/src/classifier.js';
import { loadDataset } from '@mlpx/train/src/data/load-dataset.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { trainAndExport } from '../helpers/run-cli.js';

const SHAPE = [28, 28, 1] as const;
export const PIXELS = 28 * 28;
export const SMALL_MODEL = ['--model', 'mixer', '--limit', '256', '--image-size', '28', '--patch-size', '7', '--embedding-dim', '16', '--blocks', '1'];

export interface Reference {
  readonly labels: readonly string[];
  /** Logits and probabilities of each image run alone. */
  readonly logits: Float32Array[];
  readonly probabilities: Float32Array[];
}

export interface TrainedModel extends Reference {
  readonly folder: string;
  readonly model: string;
  /** Test images, float32 0-255, [28, 28, 1] each. */
  readonly images: Float32Array[];
  remove(): Promise<void>;
}

export async function testImages(count: number): Promise<Float32Array[]> {
  const data = await loadDataset('fashion-mnist-sample', { limit: count });
  return Array.from({ length: count }, (_, i) => Float32Array.from(data.test.images.subarray(i * PIXELS, (i + 1) * PIXELS)));
}

/** onnxruntime-node's answers for each image alone. */
export async function reference(model: string, images: readonly Float32Array[]): Promise<Reference> {
  const classifier = await createClassifier(model);
  try {
    const logits: Float32Array[] = [];
    const probabilities: Float32Array[] = [];
    for (const image of images) {
      const out = await classifier.run(image, 1);
      logits.push(out.logits.slice());
      probabilities.push(out.probabilities.slice());
    }
    return { labels: classifier.labels, logits, probabilities };
  } finally {
    await classifier.release();
  }
}

export async function trainedModel(count = 12, trainArgs: readonly string[] = SMALL_MODEL): Promise<TrainedModel> {
  const work = await tempDir();
  const model = await trainAndExport(work.path, trainArgs);
  const images = await testImages(count);
  return { folder: work.path, model, images, ...(await reference(model, images)), remove: work.remove };
}

/** REPO/<name>/<version>/model.onnx for each entry, copied from `files`. */
export async function writeRepository(repository: string, entries: readonly { name: string; version: string; file: string; config?: string }[]): Promise<void> {
  for (const { name, version, file, config } of entries) {
    await mkdir(join(repository, name, version), { recursive: true });
    await copyFile(file, join(repository, name, version, 'model.onnx'));
    if (config !== undefined) await writeFile(join(repository, name, 'config.pbtxt'), config);
  }
}

export function concat(images: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(images.length * PIXELS);
  images.forEach((image, i) => out.set(image, i * PIXELS));
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export interface OutputRequest {
  readonly name: string;
  readonly binary?: boolean;
  readonly classification?: number;
}

/** An infer request with the images as binary data (Inference-Header-Content-Length). */
export function binaryRequest(images: Float32Array, batch: number, outputs?: readonly OutputRequest[], extra: Record<string, unknown> = {}): RequestInit {
  const data = Buffer.from(images.buffer, images.byteOffset, images.byteLength);
  const header = Buffer.from(
    JSON.stringify({
      ...extra,
      inputs: [{ name: 'images', shape: [batch, ...SHAPE], datatype: 'FP32', parameters: { binary_data_size: data.length } }],
      ...(outputs
        ? {
            outputs: outputs.map((o) => ({
              name: o.name,
              parameters: { binary_data: o.binary ?? true, ...(o.classification ? { classification: o.classification } : {}) },
            })),
          }
        : {}),
    }),
  );
  return {
    method: 'POST',
    body: Buffer.concat([header, data]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}

/** An infer request with the images as JSON data (`nested`: as [batch][28][28][1] arrays). */
export function jsonRequest(
  images: Float32Array,
  batch: number,
  options: { nested?: boolean; outputs?: readonly OutputRequest[]; id?: string; parameters?: Record<string, unknown> } = {},
): RequestInit {
  const flat = Array.from(images);
  const data = options.nested
    ? Array.from({ length: batch }, (_, b) => Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => [flat[b * PIXELS + y * 28 + x]!])))
    : flat;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.parameters ? { parameters: options.parameters } : {}),
      inputs: [{ name: 'images', shape: [batch, ...SHAPE], datatype: 'FP32', data }],
      ...(options.outputs
        ? {
            outputs: options.outputs.map((o) => ({
              name: o.name,
              parameters: { binary_data: o.binary ?? false, ...(o.classification ? { classification: o.classification } : {}) },
            })),
          }
        : {}),
    }),
  };
}

export interface DecodedOutput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
  /** FP32 values, or BYTES strings. */
  readonly values: Float32Array | string[];
  readonly binary: boolean;
}

export interface DecodedResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly json: {
    id?: string;
    model_name: string;
    model_version: string;
    outputs: { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[];
  };
  readonly outputs: Record<string, DecodedOutput>;
}

function decodeBytes(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length;) {
    const length = view.getUint32(at, true);
    out.push(Buffer.from(bytes.subarray(at + 4, at + 4 + length)).toString('utf8'));
    at += 4 + length;
  }
  return out;
}

/** Reads an infer response, JSON or binary, as tritonclient does. */
export async function decodeResponse(response: Response): Promise<DecodedResponse> {
  const body = Buffer.from(await response.arrayBuffer());
  const header = response.headers.get('inference-header-content-length');
  const jsonLength = header === null ? body.length : Number(header);
  const json = JSON.parse(body.subarray(0, jsonLength).toString('utf8')) as DecodedResponse['json'];
  const outputs: Record<string, DecodedOutput> = {};
  let at = jsonLength;
  for (const output of json.outputs ?? []) {
    const size = output.parameters?.binary_data_size;
    let values: Float32Array | string[];
    if (size === undefined) {
      values = output.datatype === 'FP32' ? Float32Array.from(output.data as number[]) : (output.data as string[]);
    } else {
      const bytes = new Uint8Array(body.subarray(at, at + size));
      at += size;
      values = output.datatype === 'FP32' ? new Float32Array(bytes.buffer, 0, size / 4) : decodeBytes(bytes);
    }
    outputs[output.name] = { name: output.name, datatype: output.datatype, shape: output.shape, values, binary: size !== undefined };
  }
  if (at !== body.length) throw new Error(`${body.length - at} bytes after the outputs`);
  return { status: response.status, contentType: response.headers.get('content-type'), json, outputs };
}

/** The value of one sample of a metric in Prometheus's text format (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (wanted.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
