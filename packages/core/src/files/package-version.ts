/**
 * The version of the package a module belongs to: the "version" of the package.json nearest above
 * the module, read once when called. Each package passes its own import.meta.url, so the answer
 * does not depend on how deep under src/ (or dist/) the module sits.
 *
 *   const MLPX_VERSION = packageVersion(import.meta.url);
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the package.json nearest above `moduleUrl`'s file. */
function packageFolder(moduleUrl: string | URL): string {
  const file = fileURLToPath(moduleUrl);
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json above ${file}`);
  }
}

/** The "version" field of the package.json nearest above the module at `moduleUrl` (its import.meta.url). */
export function packageVersion(moduleUrl: string | URL): string {
  const manifest = join(packageFolder(moduleUrl), 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
