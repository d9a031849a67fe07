/** The mlpx version, from the CLI package's package.json. */
import { packageVersion } from '@mlpx/core';

export const MLPX_VERSION = packageVersion(import.meta.url);
