/**
 * docs/backends.md's table of ops is the op table's: one row per defineOp, in the file that
 * defines it, with a form in a backend's column exactly where that backend registered one
 * (host: wasm and cpu both). Its table of traits is the declared traits': one row per trait, a
 * backend's column filled exactly where that backend declared a value other than the default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@mlpx/train/src/index.js';
import { backendTraits, DEFAULT_BACKEND_TRAITS, type BackendTraits } from '@mlpx/train/src/backend-api/backend-traits.js';
import { definedOps } from '@mlpx/train/src/backend-api/op-forms.js';
import { registerBackendForms } from '@mlpx/train/src/backends/register-forms.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const COLUMNS = { tensorflow: ['tensorflow'], webgpu: ['webgpu'], host: ['wasm', 'cpu'] } as const;

interface Row {
  readonly op: string;
  readonly definedIn: string;
  readonly backends: string[];
}

function tableRows(section: string): Row[] {
  const lines = section.split('\n').filter((line) => line.startsWith('| `'));
  return lines.map((line) => {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const [op, definedIn, , tensorflow, webgpu, host] = cells as [string, string, string, string, string, string];
    const own = { tensorflow, webgpu, host };
    return {
      op: op.replace(/`/g, ''),
      definedIn: definedIn.replace(/`/g, ''),
      backends: (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]).flatMap((column) => (own[column] === '—' ? [] : COLUMNS[column])),
    };
  });
}

const DOCS = (): string => readFileSync(join(REPO_ROOT, 'docs', 'backends.md'), 'utf8');

function documentedOps(): Row[] {
  const text = DOCS();
  return tableRows(text.slice(text.indexOf('## The ops and their forms')));
}

function documentedTraits(): Row[] {
  const text = DOCS();
  const start = text.indexOf('| trait |');
  return tableRows(text.slice(start, text.indexOf('\n\n', start)));
}

describe('docs/backends.md', () => {
  registerBackendForms();
  const ops = definedOps();
  const rows = documentedOps();

  it('lists every op, once', () => {
    expect(rows.map((row) => row.op).sort()).toEqual(ops.map((op) => op.name).sort());
  });

  it("names each op's backends with a form of their own", () => {
    for (const op of ops) {
      const row = rows.find((r) => r.op === op.name)!;
      expect([...row.backends].sort(), op.name).toEqual(op.backends().sort());
    }
  });

  it('names the file that defines each op', () => {
    for (const row of rows) {
      const source = readFileSync(join(REPO_ROOT, 'packages', 'train', 'src', row.definedIn), 'utf8');
      expect(source, `${row.definedIn} defines ${row.op}`).toMatch(new RegExp(`defineOp<[\\w<>, ]+>\\('${row.op}'`));
    }
  });
});

describe("docs/backends.md's traits", () => {
  registerBackendForms();
  const rows = documentedTraits();
  const names = Object.keys(DEFAULT_BACKEND_TRAITS) as (keyof BackendTraits)[];

  it('lists every trait, once', () => {
    expect(rows.map((row) => row.op).sort()).toEqual([...names].sort());
  });

  it("fills a backend's column exactly where it declared a value of its own", () => {
    for (const row of rows) {
      const key = row.op as keyof BackendTraits;
      const declaring = Object.values(COLUMNS)
        .flat()
        .filter((backend) => backendTraits(backend)[key] !== DEFAULT_BACKEND_TRAITS[key]);
      expect([...row.backends].sort(), key).toEqual(declaring.sort());
    }
  });

  it('names the file that asks each trait', () => {
    for (const row of rows) {
      const source = readFileSync(join(REPO_ROOT, 'packages', 'train', 'src', row.definedIn), 'utf8');
      expect(source, `${row.definedIn} asks ${row.op}`).toMatch(new RegExp(`backendTraits\\([^)]*\\)\\??\\.${row.op}\\b|traits\\.${row.op}\\b`));
    }
  });
});
