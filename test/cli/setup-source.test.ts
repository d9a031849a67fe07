/**
 * Where `mlpx setup`'s installers live: in the mlpx command (packages/cli/src/setup/), whose import
 * graph has no cycles, and never in the runtime packages, none of whose sources imports the
 * command or a file of it. (The runtime packages' own graphs: test/train/source/import-graph.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, sourceFiles } from '../helpers/import-graph.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const CLI_PACKAGE = join(REPO_ROOT, 'packages', 'cli');
const CLI_SOURCE = join(CLI_PACKAGE, 'src');
const RUNTIME_PACKAGES = ['core', 'train', 'export', 'infer', 'web'];

describe('the import graph of packages/cli/src', () => {
  const graph = importGraph(sourceFiles(CLI_SOURCE));

  it('holds the installers of setup cuda and setup tensorflow', () => {
    for (const installer of ['setup/cuda/setup-cuda.ts', 'setup/tensorflow/setup-tensorflow.ts']) {
      expect(graph.get(join(CLI_SOURCE, installer))?.length, installer).toBeGreaterThan(3);
    }
  });

  it('has no import cycles', () => {
    const cycles = importCycles(graph).map((cycle) => cycle.map((file) => relative(CLI_SOURCE, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});

describe('the runtime packages', () => {
  it('import nothing of the mlpx command, by name or by path', () => {
    const offending: string[] = [];
    for (const name of RUNTIME_PACKAGES) {
      for (const file of sourceFiles(join(REPO_ROOT, 'packages', name, 'src'))) {
        for (const { fileName: id } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
          const intoCli = id.startsWith('.') && !relative(CLI_PACKAGE, resolve(dirname(file), id)).startsWith('..');
          if (id === 'mlpx' || id.startsWith('mlpx/') || intoCli) offending.push(`${relative(REPO_ROOT, file)} imports ${id}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
