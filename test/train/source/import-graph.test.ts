/**
 * The import graph of packages/train/src, read with TypeScript's own pre-processor (static,
 * dynamic, type-only imports and re-exports alike): it has no cycles. A cycle is reported as the
 * files around it, each importing the next.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const SOURCE = join(REPO_ROOT, 'packages', 'train', 'src');

function sourceFiles(folder: string, into: string[] = []): string[] {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, into);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) into.push(path);
  }
  return into;
}

/** The source file a relative module id names (`./x.js` is ./x.ts), or undefined for a package. */
function resolveImport(from: string, id: string): string | undefined {
  if (!id.startsWith('.')) return undefined;
  const target = resolve(dirname(from), id);
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(REPO_ROOT, from)} imports ${id}, which names no source file`);
}

/** Each source file with the source files it imports. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const ids = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    graph.set(file, [...new Set(ids.map((id) => resolveImport(file, id)).filter((f): f is string => f !== undefined))]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files around it (the first repeated at the end). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): void => {
    if (onPath.has(file)) {
      cycles.push([...path.slice(path.indexOf(file)), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.add(file);
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

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
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
