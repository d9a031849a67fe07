/**
 * The TensorFlow C API symbols (TF_*, TFE_*) the addon imports that the libraries it links do not
 * define. An addon links even when some are missing (shared objects may have undefined symbols)
 * and then fails at load with "undefined symbol"; this names them before that. From TensorFlow
 * 2.20 some live only in libtensorflow_framework.so.2, so both libraries count.
 */
import { MlpxError } from '@mlpx/core';
import { outputTail, runCommand } from '@mlpx/train/tooling';

const C_API_SYMBOL = /\s(TFE?_\w+)(@.*)?$/;

async function dynamicSymbols(file: string, which: '--undefined-only' | '--defined-only'): Promise<Set<string>> {
  const result = await runCommand('nm', ['-D', which, file]);
  if (result.code !== 0) throw new MlpxError(`nm -D ${which} ${file} failed:\n${outputTail(result)}`);
  const names = new Set<string>();
  for (const line of result.stdout.split('\n')) {
    const name = C_API_SYMBOL.exec(line)?.[1];
    if (name) names.add(name);
  }
  return names;
}

/** The C API symbols `addon` needs; and those of them that none of `libraries` defines. */
export async function checkAddonSymbols(addon: string, libraries: readonly string[]): Promise<{ needed: string[]; missing: string[] }> {
  const needed = [...(await dynamicSymbols(addon, '--undefined-only'))].sort();
  const defined = new Set<string>();
  for (const library of libraries) for (const name of await dynamicSymbols(library, '--defined-only')) defined.add(name);
  return { needed, missing: needed.filter((name) => !defined.has(name)) };
}
