#!/usr/bin/env node
/**
 * Regenerates packages/train/data/fashion-mnist-sample: the first 10,000 training and 2,000 test
 * images and labels of Fashion-MNIST, in the official IDX format, gzipped, from a full copy (by
 * default Debian's dataset-fashion-mnist). The sample is what `mlpx` falls back to offline, so it
 * is committed; this script exists so that it can be checked and rebuilt, not run at install.
 *
 *   node scripts/make-fashion-mnist-sample.mjs [folder with the four official .gz files]
 *
 * The output is byte-for-byte reproducible: Node's gzip writes no file name and a zero mtime.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const SOURCE = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
const OUT = join(import.meta.dirname, '..', 'packages', 'train', 'data', 'fashion-mnist-sample');
const SPLITS = [
  { prefix: 'train', count: 10_000 },
  { prefix: 't10k', count: 2_000 },
];

/** The first `count` items of an IDX file: the header with its first size rewritten, then their bytes. */
function firstItems(idx, count, file) {
  const dimensions = idx[3];
  const total = idx.readUInt32BE(4);
  if (idx.readUInt16BE(0) !== 0 || idx[2] !== 0x08 || total < count) {
    throw new Error(`${file}: not an IDX file of unsigned bytes with at least ${count} items`);
  }
  const headerBytes = 4 + 4 * dimensions;
  let itemBytes = 1;
  for (let d = 1; d < dimensions; d++) itemBytes *= idx.readUInt32BE(4 + 4 * d);
  const out = Buffer.from(idx.subarray(0, headerBytes + count * itemBytes));
  out.writeUInt32BE(count, 4);
  return out;
}

await mkdir(OUT, { recursive: true });
for (const { prefix, count } of SPLITS) {
  for (const kind of ['images-idx3-ubyte', 'labels-idx1-ubyte']) {
    const name = `${prefix}-${kind}.gz`;
    const idx = gunzipSync(await readFile(join(SOURCE, name)));
    const sample = gzipSync(firstItems(idx, count, name), { level: 9 });
    await writeFile(join(OUT, name), sample);
    console.log(`${name}: ${count} of ${idx.readUInt32BE(4)} items, ${sample.length} bytes`);
  }
}
