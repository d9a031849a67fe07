/**
 * Which of PyPI's CUDA wheels a CUDA build of TensorFlow will find. TensorFlow dlopens CUDA's
 * libraries (none is NEEDED) through the RUNPATH of its own two libraries, entries of the form
 * `$ORIGIN/../nvidia/<wheel>/lib`, so a wheel is found exactly when that folder exists beside the
 * `tensorflow` package. Read from the libraries themselves (readelf), not from a list of ours.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { outputTail, runCommand } from './run-command.js';
import { TENSORFLOW_LIBRARIES } from './tensorflow-install.js';

export interface CudaWheels {
  /** The folder TensorFlow looks in: site-packages/nvidia. */
  readonly folder: string;
  /** Wheels named by the RUNPATH whose lib/ folder exists. */
  readonly found: string[];
  /** Wheels named by the RUNPATH whose lib/ folder does not. */
  readonly missing: string[];
}

/** The wheel names in `$ORIGIN/../nvidia/<wheel>/lib` entries of a library's RUNPATH. */
async function runpathWheels(library: string): Promise<Set<string>> {
  const result = await runCommand('readelf', ['-d', library]);
  if (result.code !== 0) throw new MlpxError(`readelf -d ${library} failed:\n${outputTail(result)}`);
  const runpath = /Library r(?:un)?path: \[([^\]]*)\]/.exec(result.stdout)?.[1] ?? '';
  const wheels = new Set<string>();
  for (const entry of runpath.split(':')) {
    const name = /^\$ORIGIN\/\.\.\/nvidia\/([\w-]+)\/lib$/.exec(entry)?.[1];
    if (name) wheels.add(name);
  }
  return wheels;
}

export async function findCudaWheels(libraryDir: string, libraries: readonly string[] = TENSORFLOW_LIBRARIES): Promise<CudaWheels> {
  const folder = join(dirname(libraryDir), 'nvidia');
  const named = new Set<string>();
  for (const library of libraries) for (const wheel of await runpathWheels(join(libraryDir, library))) named.add(wheel);
  const wheels = [...named].sort();
  return { folder, found: wheels.filter((w) => existsSync(join(folder, w, 'lib'))), missing: wheels.filter((w) => !existsSync(join(folder, w, 'lib'))) };
}

/** One line for doctor and setup: what resolved, and what did not. */
export function describeCudaWheels(wheels: CudaWheels): string {
  if (wheels.found.length + wheels.missing.length === 0) return 'TensorFlow names no CUDA wheels (not a CUDA build)';
  const missing = wheels.missing.length > 0 ? `; not installed: ${wheels.missing.join(', ')}` : '';
  return `CUDA wheels in ${wheels.folder}: ${wheels.found.join(', ') || 'none'}${missing}`;
}
