#!/usr/bin/env node
// Builds the web bundle: dist-web/mlpx-web.js (ES module: src/web/index.ts with onnxruntime-web's
// WebGPU+wasm build and protobufjs), plus onnxruntime-web's .wasm file beside it. Types come from
// tsconfig.web.json (dist-web/types/).
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-web');
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(root, 'src', 'web', 'index.ts')],
  outfile: join(out, 'mlpx-web.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  // Import the packages' TypeScript sources, as the tests do.
  conditions: ['source'],
  logLevel: 'warning',
});
// The files onnxruntime-web/webgpu loads at run time from env.wasm.wasmPaths: the wasm binary and
// its Emscripten loader.
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/webgpu'));
const RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];
const present = await readdir(ortDist);
for (const file of RUNTIME_FILES) {
  if (!present.includes(file)) throw new Error(`onnxruntime-web's ${file} not found in ${ortDist}`);
  await copyFile(join(ortDist, file), join(out, file));
}
const sizes = await Promise.all(['mlpx-web.js', ...RUNTIME_FILES].map(async (f) => `${f} ${((await stat(join(out, f))).size / 1024).toFixed(0)} KiB`));
console.log(`web bundle: ${sizes.join(', ')}`);
