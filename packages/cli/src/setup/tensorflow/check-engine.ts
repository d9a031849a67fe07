/**
 * Step 5 of `mlpx setup tensorflow`, before the manifest is written: the freshly built addon is
 * checked against TensorFlow's C API (every symbol it imports defined by the two libraries), then
 * loaded in a child process (probe-engine.ts) that multiplies two matrices on it. Returns the
 * number of symbols checked and the version TensorFlow's library reports of itself.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpxError } from '@mlpx/core';
import { outputTail, runCommand, TENSORFLOW_LIBRARIES, type TensorflowInstall } from '@mlpx/train/tooling';
import { checkAddonSymbols } from './addon-symbols.js';
import type { ProbeReport } from './probe-engine.js';
import type { TensorflowLibrary } from './tensorflow-library.js';
import { DEFAULT_TENSORFLOW_VERSION, TESTED_TENSORFLOW_VERSIONS } from './tensorflow-versions.js';

export interface CheckedEngine {
  /** The C API symbols the addon imports, all defined. */
  readonly symbols: number;
  /** TF_Version, as the loaded library reports it. */
  readonly version: string;
}

export async function checkEngine(addon: string, install: TensorflowInstall, library: TensorflowLibrary): Promise<CheckedEngine> {
  const { needed, missing } = await checkAddonSymbols(
    addon,
    TENSORFLOW_LIBRARIES.map((name) => join(library.dir, name)),
  );
  if (missing.length > 0) {
    throw new MlpxError(
      `TensorFlow ${library.version} (${library.dir}) does not define ${missing.join(', ')}, which tfjs-node ${install.tfjsNodeVersion}'s addon calls; ` +
        `versions known to work: ${TESTED_TENSORFLOW_VERSIONS.join(', ')} (mlpx setup tensorflow --tensorflow ${DEFAULT_TENSORFLOW_VERSION})`,
    );
  }
  const report = await probe(install);
  if (report.backend !== 'tensorflow' || report.matmul.join(',') !== '19,22,43,50') {
    throw new MlpxError(`the built engine loaded but computed wrongly (backend ${report.backend}, [[1,2],[3,4]]x[[5,6],[7,8]] = ${report.matmul.join(',')})`);
  }
  return { symbols: needed.length, version: report.version };
}

async function probe(install: TensorflowInstall): Promise<ProbeReport> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'probe-engine.js');
  const result = await runCommand(process.execPath, [script, JSON.stringify(install)]);
  if (result.startError) throw result.startError;
  if (result.code === 0) return JSON.parse(result.stdout.trim().split('\n').pop()!) as ProbeReport;
  const exit = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  throw new MlpxError(`the built engine did not load (a test run in a child process ${exit}):\n${outputTail(result)}`);
}
