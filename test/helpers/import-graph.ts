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

/** The folder (with a trailing slash) or file directly under `root` that holds `file`. */
export function topEntry(root: string, file: string): string {
  const [first, ...rest] = relative(root, file).split(/[\\/]/);
  return rest.length > 0 ? `${first}/` : first!;
}

/**
 * The folders and files directly under a package's `src/` as nodes, the imports between the files
 * under them as edges: each node with the nodes it imports, each edge with one import that makes
 * it ("runs/train-run.ts -> checkpoint/checkpoint-files.ts").
 */
export function folderGraph(root: string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const [file, targets] of importGraph(sourceFiles(root))) {
    const from = topEntry(root, file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const target of targets) {
      const to = topEntry(root, target);
      if (to !== from && !graph.get(from)!.has(to)) graph.get(from)!.set(to, `${relative(root, file)} -> ${relative(root, target)}`);
    }
  }
  return graph;
}

/** The groups of nodes that import each other in a circle (strongly connected, more than one node), by Tarjan's algorithm. */
export function circles(graph: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      group.push(member);
    } while (member !== node);
    if (group.length > 1) found.push(group.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}
