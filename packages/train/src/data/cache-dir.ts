/**
 * The cache folder that downloaded dataset archives are kept in: the `dataDir` option, else
 * $MLPX_DATA_DIR, else ~/.cache/mlpx.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(dataDir?: string): string {
  const chosen = dataDir ?? process.env.MLPX_DATA_DIR;
  return chosen ? resolve(chosen) : join(homedir(), '.cache', 'mlpx');
}
