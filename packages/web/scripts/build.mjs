#!/usr/bin/env node
// After `tsc -b` (the library: dist/*.js and .d.ts): copies onnxruntime-web/webgpu's runtime files
// (the wasm binary and its Emscripten loader) into dist/ort/, where the library's
// `new URL('./ort/…', import.meta.url)` points, and builds dist/mlpx-web.js, the whole library in
// one ES module (onnxruntime-web and protobufjs included) for a `<script type="module">` and the
// demo page; it sits beside the library so the same ./ort/ URLs hold for it.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

const ortDist = dirname(createRequire(join(root, 'package.json')).resolve('onnxruntime-web/webgpu'));
const present = await readdir(ortDist);
await mkdir(join(out, 'ort'), { recursive: true });
for (const file of RUNTIME_FILES) {
  if (!present.includes(file)) throw new Error(`onnxruntime-web's ${file} not found in ${ortDist}`);
  await copyFile(join(ortDist, file), join(out, 'ort', file));
}

await build({
  entryPoints: [join(root, 'src', 'index.ts')],
  outfile: join(out, 'mlpx-web.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  // The packages' TypeScript sources, as the tests use them; and onnxruntime-web's build without
  // its own copy of the Emscripten loader, which the bundle loads from ./ort/ instead.
  conditions: ['source', 'onnxruntime-web-use-extern-wasm'],
  logLevel: 'warning',
});
const sizes = await Promise.all(
  ['mlpx-web.js', ...RUNTIME_FILES.map((f) => `ort/${f}`)].map(async (f) => `${f} ${((await stat(join(out, f))).size / 1024).toFixed(0)} KiB`),
);
console.log(`@mlpx/web bundle (dist/): ${sizes.join(', ')}`);
