/** The mlpx version, from the CLI package's package.json. */
import { readFileSync } from 'node:fs';

export const MLPX_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
