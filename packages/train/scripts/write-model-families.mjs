#!/usr/bin/env node
// After `tsc -b`: writes dist/model-families.json, the facts of the model families @mlpx/train
// ships (name, display name, learning rate, position embedding, Keras block), from their entries
// in the build (dist/models/families/), for the Python tooling (python/model_families.py) to read.
// The TypeScript entries are the one statement of these facts; this file is made from them.
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { BUILT_IN_FAMILIES } = await import(join(dist, 'models', 'families', 'index.js'));
const families = BUILT_IN_FAMILIES.map(({ name, displayName, learningRate, positionEmbedding, kerasBlock }) => ({
  name,
  displayName,
  learningRate,
  positionEmbedding,
  ...(kerasBlock === undefined ? {} : { kerasBlock }),
}));
const about = 'Written by scripts/write-model-families.mjs from the entries of models/families/ at build time; read by python/model_families.py.';
await writeFile(join(dist, 'model-families.json'), `${JSON.stringify({ about, families }, null, 2)}\n`);
