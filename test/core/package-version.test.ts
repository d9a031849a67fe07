import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '@mlpx/core/src/files/package-version.js';
import { MLPX_VERSION } from 'mlpx/src/version.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const versionOf = (manifest: string): string => (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;

describe('packageVersion', () => {
  it('reads the package.json nearest above the module, however deep the module is', () => {
    const root = mkdtempSync(join(tmpdir(), 'mlpx-package-version-'));
    try {
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'outer', version: '9.9.9' }));
      const inner = join(root, 'node_modules', 'inner');
      mkdirSync(join(inner, 'dist', 'serving'), { recursive: true });
      writeFileSync(join(inner, 'package.json'), JSON.stringify({ name: 'inner', version: '1.2.3' }));
      expect(packageVersion(pathToFileURL(join(inner, 'dist', 'serving', 'server.js')))).toBe('1.2.3');
      expect(packageVersion(pathToFileURL(join(inner, 'index.js')).href)).toBe('1.2.3');
      expect(packageVersion(pathToFileURL(join(root, 'other.js')))).toBe('9.9.9');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("gives mlpx's version as the command's package.json holds it", () => {
    expect(MLPX_VERSION).toBe(versionOf(join(REPO_ROOT, 'packages', 'cli', 'package.json')));
  });
});
