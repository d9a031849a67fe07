/**
 * Property-based tests (fast-check): every parser and loader meets truncated, oversized, garbage
 * and adversarial input with one MlpxError naming the file, never another exception, a hang or an
 * unbounded allocation (an IDX header may claim 2^32 images in a few bytes).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx } from '../../packages/export/src/export-to-onnx.js';
import { decodeModel } from '../../packages/export/src/onnx/schema.js';
import { parseModelInfo } from '../../packages/infer/src/model/model-info.js';
import { readCheckpoint } from '../../packages/train/src/checkpoint/checkpoint-files.js';
import { parseLabels, parseRunMetrics } from '../../packages/train/src/run/run-metrics.js';
import { parseCifar100Records } from '../../packages/train/src/data/cifar-binary.js';
import { decodeImage } from '../../packages/train/src/data/decode-image.js';
import { gunzipIfCompressed } from '../../packages/train/src/data/gunzip.js';
import { parseIdxImages, parseIdxLabels } from '../../packages/train/src/data/idx.js';
import { readTarGzEntries } from '../../packages/train/src/data/tar-gz.js';
import { MlpxError } from '../../packages/train/src/errors.js';
import { Patches } from '../../packages/train/src/layers/index.js';
import { cifarRecords, idxImages, tempDir, writeCifarArchive } from '../helpers/dataset-fixtures.js';
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
    const png = new Uint8Array(await sharp(Buffer.alloc(8 * 8 * 3, 128), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer());
    const jpeg = new Uint8Array(await sharp(Buffer.alloc(8 * 8 * 3, 128), { raw: { width: 8, height: 8, channels: 3 } }).jpeg().toBuffer());
    await fc.assert(
      fc.asyncProperty(fc.oneof(corruptions(png), corruptions(jpeg)), async (bytes) =>
        acceptsOrExplains(() => decodeImage(bytes, { height: 8, width: 8, channels: 3 }, 'photo.png'), 'photo.png'),
      ),
      { numRuns: 100 },
    );
  });

  it('metrics.json and labels.json of a run', async () => {
    const valid = JSON.stringify({
      modelConfig: { model: 'mixer', imageSize: 64 },
      dataset: { name: 'cifar100', inputShape: [32, 32, 3], numClasses: 100 },
      test: { dataset: 'cifar100', images: 10, accuracy: 0.5, top5: 0.8 },
      history: [],
      settings: {},
      backend: {},
    });
    expect(() => parseRunMetrics(valid, 'metrics.json')).not.toThrow();
    const mutated = fc.tuple(fc.nat({ max: valid.length }), fc.string({ maxLength: 8 })).map(([at, text]) => valid.slice(0, at) + text + valid.slice(at + text.length));
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
