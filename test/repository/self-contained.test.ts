/**
 * The repository stands on its own: no tracked file cites a document that only its authors'
 * machines had (the notes and the seed's summary the project started from, under a shared folder
 * or an absolute path) or a tracker's issue by its bare number (say what the work was instead);
 * what the code relies on lives in docs/ (docs/seed.md, docs/toolchain-notes.md). And every
 * relative link in the Markdown files leads to a file that exists and, with an anchor, to one of
 * its headings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';

/** Tracked files (the lock file aside: it is npm's), as text; binary files are skipped. */
function trackedTexts(): { path: string; text: string }[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return paths
    .filter((path) => path !== 'package-lock.json' && existsSync(join(REPO_ROOT, path)))
    .map((path) => ({ path, bytes: readFileSync(join(REPO_ROOT, path)) }))
    .filter(({ bytes }) => !bytes.includes(0))
    .map(({ path, bytes }) => ({ path, text: bytes.toString('utf8') }));
}

const FILES = trackedTexts();

/**
 * The one line allowed to name a shared folder: .ci/run's look for the Triton sources that the
 * machine CI runs on holds beside the clone (an input CI reads, like the Debian packages it
 * installs; no test, code or document relies on it, and anywhere else MLPX_TRITON_SOURCES says
 * where they are). Only this exact line of that file, so that the rule holds everywhere else.
 */
const TRITON_SOURCES_BESIDE = ['"$(dirname "$PWD")', 'shared', 'triton"'].join('/'); // joined, or this file would name it
const ALLOWED: readonly { path: string; line: string }[] = [
  {
    path: '.ci/run',
    line: `if [ -z "\${MLPX_TRITON_SOURCES:-}" ] && [ -d ${TRITON_SOURCES_BESIDE} ]; then MLPX_TRITON_SOURCES=${TRITON_SOURCES_BESIDE}; fi`,
  },
];

/** `path:line: text` for each line of a tracked file that matches (the allowed lines aside). */
function mentions(pattern: RegExp): string[] {
  const found: string[] = [];
  for (const { path, text } of FILES) {
    text.split('\n').forEach((line, i) => {
      if (ALLOWED.some((allowed) => allowed.path === path && allowed.line === line.trim())) return;
      if (pattern.test(line)) found.push(`${path}:${i + 1}: ${line.trim()}`);
    });
  }
  return found;
}

describe('no tracked file refers outside the repository', () => {
  const outside: { what: string; pattern: RegExp }[] = [
    { what: "the seed's summary file", pattern: /\bSEED\.md\b/ },
    { what: 'the notes file', pattern: /\bNOTES\.md\b/ },
    { what: 'a shared folder', pattern: /(^|[^\w.-])shared\// },
    { what: 'an absolute path on the authors\u2019 machines', pattern: /(^|[^\w.-])\/work\// },
    { what: 'an issue by its number', pattern: /\bissues? #?\d+/i },
    { what: 'a bare #number', pattern: /(^|[\s(])#\d+\b/ },
  ];
  for (const { what, pattern } of outside) {
    it(`mentions no ${what}`, () => {
      expect(mentions(pattern)).toEqual([]);
    });
  }

  it('allows each exception where it is, and only there', () => {
    for (const allowed of ALLOWED) {
      const file = FILES.find((candidate) => candidate.path === allowed.path);
      expect(file?.text.split('\n').filter((line) => line.trim() === allowed.line), allowed.path).toHaveLength(1);
    }
  });

  it('reads some files (the check is not vacuous)', () => {
    expect(FILES.some((file) => file.path === 'README.md')).toBe(true);
    expect(FILES.length).toBeGreaterThan(100);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+)$/.exec(line);
    if (!heading) continue;
    let anchor = anchorOf(heading[1]!);
    for (let n = 1; anchors.has(anchor); n++) anchor = `${anchorOf(heading[1]!)}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe('relative links in the Markdown files', () => {
  const markdown = FILES.filter((file) => file.path.endsWith('.md'));
  it('lead to files that exist, and to headings they have', () => {
    const broken: string[] = [];
    for (const { path, text } of markdown) {
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // https:, mailto:
        const [file, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = file === '' ? path : normalize(join(dirname(path), file));
        if (!existsSync(join(REPO_ROOT, resolved))) {
          broken.push(`${path}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(readFileSync(join(REPO_ROOT, resolved), 'utf8')).has(anchor)) {
          broken.push(`${path}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
