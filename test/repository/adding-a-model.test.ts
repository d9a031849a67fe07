/**
 * docs/adding-a-model.md lists the files a new model family adds or changes, and nothing else
 * lists the families: every source, Python or test file that names each built-in family (by its
 * quoted name, its block's class, its block's file, or its Keras block, or in a list of their names
 * or display names written out) is one the document's
 * table lists, and each built-in family has each per-family file the table names. The generic
 * tests loop over the registry and the families' own cases (test/families/) instead.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFamily } from '@mlpx/train/src/models/model-families.js';
import { familyCases } from '../families/family-cases.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

const DOC = join(REPO_ROOT, 'docs', 'adding-a-model.md');
/** Where code lives: what a family could be listed in. */
const SEARCHED = ['packages', 'test', 'scripts'];

/** The paths in the first column of the tables of the section "A family in mlpx itself", `foo` standing for the family. */
function listedPaths(): string[] {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('## A family in mlpx itself');
  const end = text.indexOf('\n## ', start + 1);
  const rows = text
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

function codeFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'dist', 'fixtures', 'data'].includes(entry.name) || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mjs|py)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path.slice(REPO_ROOT.length + 1));
    }
  };
  for (const top of SEARCHED) walk(join(REPO_ROOT, top));
  return files;
}

/** The words one after another, as a list is written: separated by a comma, a bar or a slash, "or" or "and". */
function writtenOut(words: string[]): string {
  return `(?<![\\w-])${words.join('\\s*[,|/]?\\s*(?:or\\s+|and\\s+)?')}(?![\\w-])`;
}

/** The tokens by which a file can name a family, one list per way of naming. */
function namings(): string[][] {
  const cases = familyCases();
  const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ways: (string | undefined)[][] = [
    cases.map((c) => `['"\`]${escape(c.family)}['"\`]`),
    cases.map((c) => `\\b${escape(c.blocks[0]!.name)}\\b`),
    cases.map((c) => `\\b${escape(c.family)}-block\\b`),
    cases.map((c) => (modelFamily(c.family).kerasBlock ? `\\b${escape(modelFamily(c.family).kerasBlock!)}\\b` : undefined)),
    // A list written out, in the registry's order ("foo, bar or baz", "<foo|bar|baz>"), of the names and of the display names.
    [writtenOut(cases.map((c) => escape(c.family)))],
    [writtenOut(cases.map((c) => escape(modelFamily(c.family).displayName)))],
  ];
  return ways.filter((way) => way.every((token) => token !== undefined)) as string[][];
}

describe('docs/adding-a-model.md', () => {
  const listed = listedPaths();
  const families = familyCases().map((c) => c.family);

  it('lists the files of a family in mlpx', () => {
    expect(listed.length).toBeGreaterThan(8);
  });

  it('lists every file that names each built-in family', () => {
    const shared = new Set(listed.filter((path) => !path.includes('foo')));
    const perFamily = listed.filter((path) => path.includes('foo'));
    const isListed = (file: string): boolean =>
      shared.has(file) || file.startsWith('test/families/') || perFamily.some((path) => families.some((family) => path.replaceAll('foo', family) === file));
    const ways = namings().map((tokens) => tokens.map((token) => new RegExp(token)));
    const enumerating = codeFiles().filter((file) => {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      return ways.some((tokens) => tokens.every((token) => token.test(text)));
    });
    expect(enumerating.length, 'the registry lists the families').toBeGreaterThan(0);
    expect(enumerating.filter((file) => !isListed(file))).toEqual([]);
  });

  it('names per-family files that each built-in family has, and shared files that exist', () => {
    for (const path of listed) {
      if (path.includes('*')) continue;
      const concrete = path.includes('foo') ? families.map((family) => path.replaceAll('foo', family)) : [path];
      for (const file of concrete) expect(existsSync(join(REPO_ROOT, file)), file).toBe(true);
    }
  });
});
