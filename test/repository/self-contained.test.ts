/**
 * The repository stands on its own: no tracked file cites a document that only its authors'
 * machines had (the notes and the seed's summary the project started from, under a shared folder
 * or an absolute path) or a tracker's issue by its bare number (say what the work was instead);
 * what the code relies on lives in docs/ (docs/seed.md, docs/toolchain-notes.md). That every
 * link in the Markdown files resolves is docs.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { trackedTexts } from '../helpers/tracked-files.js';

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
      expect(
        file?.text.split('\n').filter((line) => line.trim() === allowed.line),
        allowed.path,
      ).toHaveLength(1);
    }
  });

  it('reads some files (the check is not vacuous)', () => {
    expect(FILES.some((file) => file.path === 'README.md')).toBe(true);
    expect(FILES.length).toBeGreaterThan(100);
  });
});
