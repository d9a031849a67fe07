/**
 * The import graph of packages/train/src, and of every other package's sources, read with
 * TypeScript's own pre-processor (static, dynamic, type-only imports and re-exports alike): it has
 * no cycles. A cycle is reported as the files around it, each importing the next.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, sourceFiles } from '../../helpers/import-graph.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const SOURCE = join(REPO_ROOT, 'packages', 'train', 'src');

describe('the import graph of packages/train/src', () => {
  const graph = importGraph(sourceFiles(SOURCE));

  it('is read from every source file', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(SOURCE, 'index.ts'))?.length).toBeGreaterThan(5);
  });

  it('has no import cycles', () => {
    const cycles = importCycles(graph).map((cycle) => cycle.map((file) => relative(SOURCE, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });

  it('finds a cycle where there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});

describe("the other packages' import graphs", () => {
  const packages = readdirSync(join(REPO_ROOT, 'packages')).filter((name) => name !== 'train');

  it.each(packages)('packages/%s/src has no import cycles', (name) => {
    const source = join(REPO_ROOT, 'packages', name, 'src');
    const cycles = importCycles(importGraph(sourceFiles(source))).map((cycle) => cycle.map((file) => relative(source, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
