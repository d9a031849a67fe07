/**
 * In every package, the folders (and files) directly under src/ import each other without a
 * circle, and in the order docs/architecture.md draws: its table for the package puts each of them
 * in one layer, and a folder imports only folders of lower layers. A failure names one import of
 * each offending edge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles, folderGraph } from '../helpers/import-graph.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const PACKAGES = readdirSync(join(REPO_ROOT, 'packages')).sort();

/** docs/architecture.md's layers of packages/<name>/src: each entry with its layer number. */
function documentedLayers(name: string): Map<string, number> {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'architecture.md'), 'utf8');
  const heading = `### packages/${name}/src`;
  const start = text.indexOf(heading);
  if (start < 0) return new Map();
  const end = text.indexOf('\n#', start + heading.length);
  const rows = text
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => /^\| \d+ \|/.test(line));
  const layers = new Map<string, number>();
  for (const row of rows) {
    const [layer, entries] = row
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim()) as [string, string];
    for (const entry of entries.matchAll(/`([^`]+)`/g)) layers.set(entry[1]!, Number(layer));
  }
  return layers;
}

describe.each(PACKAGES)('packages/%s/src', (name) => {
  const root = join(REPO_ROOT, 'packages', name, 'src');
  const graph = folderGraph(root);

  it('has no circle among the folders under src/', () => {
    const found = circles(graph).map((group) =>
      group.flatMap((from) => [...graph.get(from)!].filter(([to]) => group.includes(to)).map(([to, example]) => `${from} -> ${to} (${example})`)),
    );
    expect(found).toEqual([]);
  });

  it('is layered as docs/architecture.md draws it', () => {
    const layers = documentedLayers(name);
    expect(
      [...graph.keys()].filter((entry) => !layers.has(entry)),
      'entries docs/architecture.md does not place',
    ).toEqual([]);
    expect(
      [...layers.keys()].filter((entry) => !graph.has(entry)),
      'entries docs/architecture.md places that do not exist',
    ).toEqual([]);
    const upward = [...graph].flatMap(([from, targets]) =>
      [...targets]
        .filter(([to]) => layers.get(to)! >= layers.get(from)!)
        .map(([to, example]) => `${from} (layer ${layers.get(from)}) -> ${to} (layer ${layers.get(to)}): ${example}`),
    );
    expect(upward, 'imports of a folder in the same or a higher layer').toEqual([]);
  });
});

describe('the circle finder', () => {
  it('finds the folders of a circle, and only those', () => {
    const graph = new Map([
      ['a/', new Map([['b/', 'a/x.ts -> b/y.ts']])],
      ['b/', new Map([['c/', 'b/y.ts -> c/z.ts']])],
      ['c/', new Map([['a/', 'c/z.ts -> a/x.ts']])],
      ['d/', new Map([['a/', 'd/w.ts -> a/x.ts']])],
    ]);
    expect(circles(graph)).toEqual([['a/', 'b/', 'c/']]);
  });
});
