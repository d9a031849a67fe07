/**
 * Where onnxruntime-web finds its runtime: the wasm binary and its Emscripten loader (the .mjs,
 * which is also the script of the wasm backend's worker threads). This package ships copies of
 * both in dist/ort/ and names each with a URL relative to import.meta.url, the pattern by which a
 * bundler (Vite, webpack 5, Parcel, Rollup with an asset plugin) sees a file as an asset of the
 * module, emits it with the build and rewrites the URL; without a bundler (dist/mlpx-web.js in a
 * `<script type="module">`) the URLs point at dist/ort/ beside the module.
 */

/** onnxruntime-web/webgpu's runtime, as `env.wasm.wasmPaths` takes it. */
export interface WasmFilePaths {
  /** The .wasm binary. */
  readonly wasm?: string;
  /** Its Emscripten loader, ort-wasm-simd-threaded.asyncify.mjs. */
  readonly mjs?: string;
}

/**
 * onnxruntime-web's `env.wasm.wasmPaths`: a URL prefix (a folder holding both runtime files,
 * ending in `/`: e.g. https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/) or the two files.
 */
export type WasmPaths = string | WasmFilePaths;

/** The runtime files onnxruntime-web/webgpu loads, shipped in dist/ort/. */
export const RUNTIME_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'] as const;

/** This package's copies of the runtime files (each URL a literal, for bundlers to find). */
export function packagedWasmPaths(): Required<WasmFilePaths> {
  return {
    wasm: new URL('./ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href,
    mjs: new URL('./ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href,
  };
}
