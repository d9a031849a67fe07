/**
 * Every workspace package is publishable as it stands: it declares exactly what its shipped code
 * imports (so npm's hoisting inside this repository cannot hide a missing dependency that a global
 * install, pnpm or Yarn PnP would meet), pins one TensorFlow.js version, and carries the fields,
 * LICENSE and README a registry page and a consumer's tooling read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importedPackages, runtimeDependencies, shippedCodeFiles, workspacePackages, type WorkspacePackage } from '../helpers/package-imports.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

/** Imported but deliberately not declared, per package, and why. */
const UNDECLARED_ON_PURPOSE: Record<string, Record<string, string>> = {
  mlpx: { 'node-gyp': 'tried only when installed beside mlpx; npm ships its own copy, which setup uses first' },
};

/** Declared but never imported by name, per package, and why. */
const DECLARED_WITHOUT_IMPORT: Record<string, Record<string, string>> = {
  '@mlpx/train': {
    '@tensorflow/tfjs-core': "the backends' peer dependency, pinned here so that one tfjs-core is installed and the backends register in it",
    '@tensorflow/tfjs-node': 'loaded by a computed name once `mlpx setup tensorflow` has built it',
    '@tensorflow/tfjs-node-gpu': 'loaded by a computed name once `mlpx setup tensorflow --gpu` has built it',
  },
};

const packages = workspacePackages();
const versions = new Map(packages.map((p) => [p.manifest.name, p.manifest.version]));

function importsOf(pkg: WorkspacePackage): Map<string, string[]> {
  const imports = importedPackages(shippedCodeFiles(pkg));
  imports.delete(pkg.manifest.name); // a package importing its own subpaths
  return imports;
}

describe.each(packages.map((p) => [p.manifest.name, p] as const))('%s', (name, pkg) => {
  const { manifest } = pkg;

  it('declares every package its shipped code imports', () => {
    const declared = runtimeDependencies(manifest);
    const allowed = UNDECLARED_ON_PURPOSE[name] ?? {};
    const missing = [...importsOf(pkg)]
      .filter(([dependency]) => !(dependency in declared) && !(dependency in allowed))
      .map(([dependency, files]) => `${dependency} (imported by ${files.join(', ')})`);
    expect(missing, `add these to ${pkg.folder}/package.json's dependencies`).toEqual([]);
  });

  it('imports every dependency it declares', () => {
    const imports = importsOf(pkg);
    const allowed = DECLARED_WITHOUT_IMPORT[name] ?? {};
    const unused = Object.keys(runtimeDependencies(manifest)).filter((dependency) => !imports.has(dependency) && !(dependency in allowed));
    expect(unused, `remove these from ${pkg.folder}/package.json, or say in this test why they stay`).toEqual([]);
  });

  it('depends on its sibling packages at their exact versions', () => {
    for (const [dependency, range] of Object.entries(runtimeDependencies(manifest))) {
      if (versions.has(dependency)) expect(range, `${name} → ${dependency}`).toBe(versions.get(dependency));
    }
  });

  it('has the fields a registry and a consumer read', () => {
    expect(manifest.license).toBe('MIT');
    expect(manifest.description).toBeTruthy();
    expect(manifest.type).toBe('module');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/mlpx/mlpx.git', directory: pkg.folder });
    expect(manifest.engines?.node).toBe('>=20.19');
    expect(manifest.publishConfig?.access).toBe('public');
    expect(manifest.files?.length, 'files').toBeGreaterThan(0);
    expect(manifest.scripts?.prepack, 'a prepack script that builds what the package ships').toBeTruthy();
    expect(manifest.exports ?? manifest.bin, 'exports or bin').toBeTruthy();
  });

  it('lists types first and default last in every export', () => {
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target === 'string') continue; // a plain file such as ./package.json
      const conditions = Object.keys(target as object);
      expect(conditions[0], `${name} exports["${subpath}"]`).toBe('types');
      expect(conditions.at(-1), `${name} exports["${subpath}"]`).toBe('default');
    }
  });

  it("ships the repository's LICENSE and a README", () => {
    expect(readFileSync(join(REPO_ROOT, pkg.folder, 'LICENSE'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'));
    expect(existsSync(join(REPO_ROOT, pkg.folder, 'README.md')), `${pkg.folder}/README.md`).toBe(true);
  });
});

describe('TensorFlow.js', () => {
  it('is one exact version in every package that names it', () => {
    const ranges = new Map<string, string>();
    for (const { manifest } of packages) {
      for (const [dependency, range] of Object.entries({ ...runtimeDependencies(manifest), ...manifest.devDependencies })) {
        if (dependency.startsWith('@tensorflow/')) ranges.set(`${manifest.name} → ${dependency}`, range);
      }
    }
    expect(ranges.size).toBeGreaterThan(0);
    const distinct = [...new Set(ranges.values())];
    expect(distinct, JSON.stringify(Object.fromEntries(ranges), null, 1)).toHaveLength(1);
    expect(distinct[0]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
