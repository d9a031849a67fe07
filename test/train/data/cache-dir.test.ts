import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { resolveDataDir } from '@mlpx/train/src/data/cache-dir.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveDataDir', () => {
  it('prefers the option, then $MLPX_DATA_DIR, then ~/.cache/mlpx', () => {
    vi.stubEnv('MLPX_DATA_DIR', '/tmp/from-env');
    expect(resolveDataDir('relative/cache')).toBe(resolve('relative/cache'));
    expect(resolveDataDir()).toBe('/tmp/from-env');
    vi.stubEnv('MLPX_DATA_DIR', '');
    expect(resolveDataDir()).toBe(join(homedir(), '.cache', 'mlpx'));
  });
});
