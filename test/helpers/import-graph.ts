/**
 * The import graph of a package's TypeScript sources, read with TypeScript's own pre-processor
 * (static, dynamic, type-only imports and re-exports alike), and the cycles in it, each reported
 * as the files around it, each importing the next.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './run-cli.js';

/** The TypeScript source files under `folder` (declaration files aside). */
export function sourceFiles(folder: string, into: string[] = []): string[] {
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
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const ids = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((i) => i.fileName);
    graph.set(file, [...new Set(ids.map((id) => resolveImport(file, id)).filter((f): f is string => f !== undefined))]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files around it (the first repeated at the end). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
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
