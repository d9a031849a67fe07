/**
 * Property-based tests (fast-check): every parser and loader meets truncated, oversized, garbage
 * and adversarial input with one MlpxError naming the file, never another exception, a hang or an
 * unbounded allocation (an IDX header may claim 2^32 images in a few bytes).
 *
 * The random inputs may be accepted (a random edit can leave a file valid), so they alone cannot
 * catch a parser that accepts corrupt input: the known-bad mutations below (truncation, a wrong
 * magic number, a wrong length or count field) of valid inputs must each be refused.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_KEYS } from '@mlpx/core/src/onnx/contract.js';
import { exportToOnnx } from '@mlpx/export/src/export-to-onnx.js';
import { decodeModel } from '@mlpx/core/src/onnx/schema.js';
import { parseModelInfo } from '@mlpx/core/src/onnx/model-info.js';
import { readCheckpoint } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import { parseLabels, parseRunMetrics } from '@mlpx/train/src/run/run-metrics.js';
import { parseCifar100Records } from '@mlpx/train/src/data/cifar-binary.js';
import { decodeImage } from '@mlpx/core/src/images/decode-image.js';
import { gunzipIfCompressed } from '@mlpx/train/src/data/gunzip.js';
import { parseIdxImages, parseIdxLabels } from '@mlpx/train/src/data/idx.js';
import { readTarGzEntries } from '@mlpx/train/src/data/tar-gz.js';
import { MlpxError } from '@mlpx/core/src/errors.js';
import { Patches } from '@mlpx/train/src/layers/index.js';
import { cifarRecords, idxImages, idxLabels, tempDir, writeCifarArchive } from '../helpers/dataset-fixtures.js';
import { singleLayerModel } from '../helpers/single-layer-model.js';

const RUNS = 200;

/** Runs `parse`; passes when it returns or throws an MlpxError that names `file`. */
async function acceptsOrExplains(parse: () => unknown, file: string): Promise<void> {
  try {
    await parse();
  } catch (error) {
    expect(error).toBeInstanceOf(MlpxError);
    expect((error as Error).message).toContain(file);
  }
}

/** Runs `parse`; passes only when it throws an MlpxError that names `file` and matches `problem`. */
async function refuses(parse: () => unknown, file: string, problem: RegExp, mutation: string): Promise<void> {
  let error: unknown;
  try {
    await parse();
  } catch (e) {
    error = e;
  }
  expect(error, `${mutation}: accepted`).toBeInstanceOf(MlpxError);
  expect((error as Error).message, mutation).toContain(file);
  expect((error as Error).message, mutation).toMatch(problem);
}

/** A copy of `bytes` with `edit` applied. */
function mutated(bytes: Uint8Array, edit: (copy: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy);
  return copy;
}

/** Corruptions of a valid file: truncation, garbage appended, bytes overwritten. */
function corruptions(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: valid.length }).map((n) => valid.subarray(0, n)),
    fc.uint8Array({ maxLength: 64 }).map((extra) => Uint8Array.from([...valid, ...extra])),
    fc.array(fc.tuple(fc.nat({ max: Math.max(0, valid.length - 1) }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const copy = valid.slice();
      for (const [at, value] of edits) copy[at] = value;
      return copy;
    }),
    fc.uint8Array({ maxLength: 256 }),
  );
}

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

/** The smallest metrics.json parseRunMetrics accepts, the start of both of its fuzz tests. */
const VALID_METRICS = {
  modelConfig: { model: 'mixer', imageSize: 64 },
  dataset: { name: 'cifar100', inputShape: [32, 32, 3], numClasses: 100 },
  test: { dataset: 'cifar100', images: 10, accuracy: 0.5, top5: 0.8 },
  history: [],
  settings: {},
  backend: {},
};

describe('parsers meet bad input with one clear error', () => {
  it('IDX images and labels, headers claiming huge counts included', async () => {
    const valid = new Uint8Array(idxImages(3));
    await fc.assert(
      fc.asyncProperty(corruptions(valid), async (bytes) => {
        await acceptsOrExplains(() => parseIdxImages(bytes, 'images.idx'), 'images.idx');
        await acceptsOrExplains(() => parseIdxLabels(bytes, 'labels.idx'), 'labels.idx');
      }),
      { numRuns: RUNS },
    );
    const huge = Uint8Array.from([0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28]);
    await acceptsOrExplains(() => parseIdxImages(huge, 'huge.idx'), 'huge.idx');
    expect(() => parseIdxImages(huge, 'huge.idx')).toThrow(MlpxError);
  });

  it('CIFAR-100 binary records', async () => {
    const valid = new Uint8Array(cifarRecords([1, 2]));
    await fc.assert(
      fc.asyncProperty(corruptions(valid), async (bytes) => acceptsOrExplains(() => parseCifar100Records(bytes, 'train.bin'), 'train.bin')),
      { numRuns: RUNS },
    );
  });

  it('gzip and tar.gz archives', async () => {
    const archive = join(work.path, 'valid.tar.gz');
    await writeCifarArchive(archive);
    const valid = new Uint8Array(await readFile(archive));
    let i = 0;
    await fc.assert(
      fc.asyncProperty(corruptions(valid), async (bytes) => {
        const file = join(work.path, `fuzz-${i++}.tar.gz`);
        await writeFile(file, bytes);
        await acceptsOrExplains(() => gunzipIfCompressed(Buffer.from(bytes), file), file);
        await acceptsOrExplains(() => readTarGzEntries(file, ['cifar-100-binary/train.bin']), file);
      }),
      { numRuns: 60 },
    );
  });

  it('ONNX models (the loader of infer and the web bundle)', async () => {
    const model = new Uint8Array(exportToOnnx(singleLayerModel(() => new Patches({ patchSize: 2 }), [4, 4, 3])));
    expect(() => decodeModel(model)).not.toThrow();
    await fc.assert(
      fc.asyncProperty(corruptions(model), async (bytes) => acceptsOrExplains(() => parseModelInfo(bytes, 'model.onnx'), 'model.onnx')),
      { numRuns: RUNS },
    );
  });

  it('images (infer and folder datasets)', async () => {
    const png = new Uint8Array(
      await sharp(Buffer.alloc(8 * 8 * 3, 128), { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const jpeg = new Uint8Array(
      await sharp(Buffer.alloc(8 * 8 * 3, 128), { raw: { width: 8, height: 8, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(corruptions(png), corruptions(jpeg)), async (bytes) =>
        acceptsOrExplains(() => decodeImage(bytes, { height: 8, width: 8, channels: 3 }, 'photo.png'), 'photo.png'),
      ),
      { numRuns: 100 },
    );
  });

  it('metrics.json and labels.json of a run', async () => {
    const valid = JSON.stringify(VALID_METRICS);
    expect(() => parseRunMetrics(valid, 'metrics.json')).not.toThrow();
    const mutated = fc
      .tuple(fc.nat({ max: valid.length }), fc.string({ maxLength: 8 }))
      .map(([at, text]) => valid.slice(0, at) + text + valid.slice(at + text.length));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, fc.json({ maxDepth: 3 }), fc.string({ maxLength: 100 })), async (text) => {
        await acceptsOrExplains(() => parseRunMetrics(text, 'runs/x/metrics.json'), 'runs/x/metrics.json');
        await acceptsOrExplains(() => parseLabels(text, 'runs/x/labels.json', 10), 'runs/x/labels.json');
      }),
      { numRuns: RUNS },
    );
  });

  it('checkpoints (checkpoint.json and its binary)', async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })), async (text) => {
        const folder = join(work.path, `checkpoint-${i++}`);
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, 'checkpoint.json'), text);
        await acceptsOrExplains(() => readCheckpoint(folder), folder);
      }),
      { numRuns: RUNS },
    );
  });
});

/** `tar` with its first header's size field set to `size` (octal) and its checksum made right again. */
function withTarSize(tar: Uint8Array, size: number): Uint8Array {
  return mutated(tar, (copy) => {
    copy.set(new TextEncoder().encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
    copy.fill(0x20, 148, 156);
    const sum = copy.subarray(0, 512).reduce((a, b) => a + b, 0);
    copy.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  });
}

/** The offset of the varint length of top-level protobuf field `field` (length-delimited). */
function lengthOfField(bytes: Uint8Array, field: number): number {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    if (tag >> 3 === field && (tag & 7) === 2) return at;
    if ((tag & 7) === 0) varint();
    else if ((tag & 7) === 2) {
      const length = varint();
      at += length;
    } else if ((tag & 7) === 1) at += 8;
    else if ((tag & 7) === 5) at += 4;
    else throw new Error(`wire type ${tag & 7}`);
  }
  throw new Error(`no field ${field}`);
}

describe('parsers refuse known-bad mutations of valid input', () => {
  it('IDX images and labels: truncation, a wrong magic number, a wrong count', async () => {
    const images = new Uint8Array(idxImages(3));
    const labels = new Uint8Array(idxLabels([1, 2, 3]));
    expect(parseIdxImages(images, 'images.idx').count).toBe(3);
    expect(parseIdxLabels(labels, 'labels.idx')).toHaveLength(3);
    const cases: [string, Uint8Array, Uint8Array, RegExp][] = [
      ['truncated by a byte', images.subarray(0, images.length - 1), labels.subarray(0, labels.length - 1), /is truncated/],
      ['truncated header', images.subarray(0, 10), labels.subarray(0, 6), /is truncated/],
      ['magic of the other kind', mutated(images, (c) => (c[3] = 1)), mutated(labels, (c) => (c[3] = 3)), /bad magic number/],
      ['magic with another value type', mutated(images, (c) => (c[2] = 0x09)), mutated(labels, (c) => (c[2] = 0x0d)), /bad magic number/],
      ['count one more', mutated(images, (c) => (c[7] = 4)), mutated(labels, (c) => (c[7] = 4)), /is truncated/],
      ['count one fewer', mutated(images, (c) => (c[7] = 2)), mutated(labels, (c) => (c[7] = 2)), /has trailing bytes/],
      ['count 2^32 - 1', mutated(images, (c) => c.fill(0xff, 4, 8)), mutated(labels, (c) => c.fill(0xff, 4, 8)), /is truncated/],
    ];
    for (const [mutation, badImages, badLabels, problem] of cases) {
      await refuses(() => parseIdxImages(badImages, 'images.idx'), 'images.idx', problem, `images: ${mutation}`);
      await refuses(() => parseIdxLabels(badLabels, 'labels.idx'), 'labels.idx', problem, `labels: ${mutation}`);
    }
  });

  it('CIFAR-100 binary records: truncation, a byte too many, a fine label out of range', async () => {
    const valid = new Uint8Array(cifarRecords([1, 2]));
    expect(parseCifar100Records(valid, 'train.bin').count).toBe(2);
    await refuses(() => parseCifar100Records(valid.subarray(0, valid.length - 1), 'train.bin'), 'train.bin', /is truncated/, 'truncated by a byte');
    await refuses(() => parseCifar100Records(valid.subarray(0, 0), 'train.bin'), 'train.bin', /is truncated/, 'empty');
    await refuses(() => parseCifar100Records(Uint8Array.from([...valid, 0]), 'train.bin'), 'train.bin', /not a positive multiple/, 'a byte too many');
    await refuses(
      () =>
        parseCifar100Records(
          mutated(valid, (c) => (c[3074 + 1] = 100)),
          'train.bin',
        ),
      'train.bin',
      /record 1 has fine label 100/,
      'fine label 100',
    );
  });

  it('gzip and tar.gz archives: truncation, a wrong magic number, a wrong length field', async () => {
    const archive = join(work.path, 'known-bad.tar.gz');
    await writeCifarArchive(archive);
    const valid = new Uint8Array(await readFile(archive));
    const tar = new Uint8Array(gunzipSync(valid));
    const name = 'cifar-100-binary/train.bin';
    const size = (await readTarGzEntries(archive, [name]))[0]!.length;
    const damagedGzip: [string, Uint8Array][] = [
      ['truncated gzip', valid.subarray(0, valid.length - 9)],
      ['truncated trailer', valid.subarray(0, valid.length - 1)],
      ['wrong CRC-32', mutated(valid, (c) => (c[c.length - 8] ^= 1))],
      ['wrong ISIZE length', mutated(valid, (c) => (c[c.length - 4] ^= 1))],
    ];
    for (const [mutation, bytes] of damagedGzip) {
      await refuses(() => gunzipIfCompressed(Buffer.from(bytes), 'data.gz'), 'data.gz', /damaged or truncated gzip/, mutation);
    }
    const damagedArchives: [string, Uint8Array][] = [
      ...damagedGzip,
      ['wrong gzip magic', mutated(valid, (c) => (c[0] = 0x1e))],
      ['tar truncated inside the first entry', gzipSync(tar.subarray(0, 512 + 100))],
      ['tar size field larger than the archive', gzipSync(withTarSize(tar, tar.length))],
      ['tar truncated inside a header', gzipSync(tar.subarray(0, 300))],
    ];
    for (const [mutation, bytes] of damagedArchives) {
      const file = join(work.path, `known-bad-${mutation.replaceAll(' ', '-')}.tar.gz`);
      await writeFile(file, bytes);
      await refuses(() => readTarGzEntries(file, [name]), file, /is not a valid \.tar\.gz archive/, mutation);
    }
    expect(size).toBeGreaterThan(0);
  });

  it('ONNX models: truncation, a wrong length field, wrong labels count', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const pooled = tf.layers.globalAveragePooling1d().apply(new Patches({ patchSize: 2 }).apply(input)) as tf.SymbolicTensor;
    const classifier = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(pooled) as tf.SymbolicTensor });
    const labels = (names: string[]): Uint8Array => new Uint8Array(exportToOnnx(classifier, { metadata: { [METADATA_KEYS.labels]: JSON.stringify(names) } }));
    const valid = labels(['a', 'b', 'c']);
    expect(parseModelInfo(valid, 'model.onnx').labels).toEqual(['a', 'b', 'c']);
    const graphLength = lengthOfField(valid, 7);
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated by half', valid.subarray(0, valid.length >> 1), /is not an ONNX model/],
      ['truncated by a byte', valid.subarray(0, valid.length - 1), /is not an ONNX model|metadata|labels/],
      ['graph length one more', mutated(valid, (c) => (c[graphLength]! += 1)), /is not an ONNX model/],
      ['graph length one fewer', mutated(valid, (c) => (c[graphLength]! -= 1)), /is not an ONNX model/],
      ['labels count one fewer', labels(['a', 'b']), /records 2 labels for 3 classes/],
    ];
    for (const [mutation, bytes, problem] of cases) await refuses(() => parseModelInfo(bytes, 'model.onnx'), 'model.onnx', problem, mutation);
    classifier.dispose();
  });

  it('images: truncation, a wrong magic number, a wrong chunk length', async () => {
    const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
    const png = new Uint8Array(
      await sharp(Buffer.alloc(8 * 8 * 3, 128), raw)
        .png()
        .toBuffer(),
    );
    const jpeg = new Uint8Array(
      await sharp(Buffer.alloc(8 * 8 * 3, 128), raw)
        .jpeg()
        .toBuffer(),
    );
    const shape = { height: 8, width: 8, channels: 3 };
    await decodeImage(png, shape, 'photo.png');
    const cases: [string, Uint8Array][] = [
      ['png truncated by half', png.subarray(0, png.length >> 1)],
      ['png truncated to its signature', png.subarray(0, 8)],
      ['png wrong signature', mutated(png, (c) => (c[1] = 0x51))],
      ['png IHDR length one more', mutated(png, (c) => (c[11] = 14))],
      ['jpeg truncated by half', jpeg.subarray(0, jpeg.length >> 1)],
      ['jpeg wrong SOI marker', mutated(jpeg, (c) => (c[1] = 0xd9))],
    ];
    for (const [mutation, bytes] of cases) await refuses(() => decodeImage(bytes, shape, 'photo.png'), 'photo.png', /photo\.png/, mutation);
  });

  it('checkpoints: a truncated binary, a wrong format, a wrong byte count, a tensor past the end', async () => {
    const json = {
      format: 'mlpx-checkpoint',
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      binary: 'checkpoint-1.bin',
      bytes: 8,
      tensors: [{ name: 'weight:w', dtype: 'float32', shape: [2], offset: 0 }],
      settings: { model: 'mixer' },
      modelConfig: { model: 'mixer' },
      state: { variables: 0, hasBestWeights: false, optimizer: { learningRate: 1e-3, step: 0 } },
    };
    const write = async (name: string, checkpoint: object, binary: Uint8Array): Promise<string> => {
      const folder = join(work.path, `known-bad-checkpoint-${name}`);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, 'checkpoint.json'), JSON.stringify(checkpoint));
      await writeFile(join(folder, 'checkpoint-1.bin'), binary);
      return folder;
    };
    const binary = new Uint8Array(new Float32Array([1, 2]).buffer);
    expect((await readCheckpoint(await write('valid', json, binary))).weights.get('w')?.values).toEqual(new Float32Array([1, 2]));
    const cases: [string, object, Uint8Array, RegExp][] = [
      ['binary truncated', json, binary.subarray(0, 7), /has 7 bytes, the checkpoint says 8/],
      ['wrong format', { ...json, format: 'mlpx-checkpoint-2' }, binary, /not an mlpx checkpoint/],
      ['wrong version', { ...json, version: 2 }, binary, /not an mlpx checkpoint/],
      ['byte count one more', { ...json, bytes: 9 }, binary, /the checkpoint says 9/],
      ['tensor shape past the end', { ...json, tensors: [{ ...json.tensors[0]!, shape: [3] }] }, binary, /tensor weight:w lies outside the file/],
      ['tensor offset past the end', { ...json, tensors: [{ ...json.tensors[0]!, offset: 4 }] }, binary, /tensor weight:w lies outside the file/],
    ];
    for (const [mutation, checkpoint, bytes, problem] of cases) {
      const folder = await write(mutation.replaceAll(' ', '-'), checkpoint, bytes);
      await refuses(() => readCheckpoint(folder), folder, problem, mutation);
    }
  });

  it('metrics.json and labels.json: truncation, a wrong type, a wrong count', async () => {
    const metrics = VALID_METRICS;
    const valid = JSON.stringify(metrics);
    expect(() => parseRunMetrics(valid, 'metrics.json')).not.toThrow();
    const bad: [string, string][] = [
      ['truncated', valid.slice(0, -1)],
      ['empty', ''],
      ['history not a list', JSON.stringify({ ...metrics, history: {} })],
      ['no dataset', JSON.stringify({ ...metrics, dataset: undefined })],
      ['a list', '[]'],
    ];
    for (const [mutation, text] of bad) await refuses(() => parseRunMetrics(text, 'runs/x/metrics.json'), 'runs/x/metrics.json', /metrics\.json/, mutation);
    const names = JSON.stringify(['a', 'b', 'c']);
    expect(parseLabels(names, 'labels.json', 3)).toEqual(['a', 'b', 'c']);
    for (const [mutation, text] of [
      ['truncated', names.slice(0, -1)],
      ['one name fewer', JSON.stringify(['a', 'b'])],
      ['one name more', JSON.stringify(['a', 'b', 'c', 'd'])],
      ['a number among the names', JSON.stringify(['a', 2, 'c'])],
    ]) {
      await refuses(() => parseLabels(text!, 'runs/x/labels.json', 3), 'runs/x/labels.json', /labels\.json/, mutation!);
    }
  });
});
