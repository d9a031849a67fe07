/** The repository's tracked files as text, for the tests that read the repository itself. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

export interface TrackedText {
  /** The path from the repository root, with forward slashes, as git lists it. */
  path: string;
  text: string;
}

/** Tracked files (the lock file aside: it is npm's), as text; binary files are skipped. */
export function trackedTexts(): TrackedText[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return paths
    .filter((path) => path !== 'package-lock.json' && existsSync(join(REPO_ROOT, path)))
    .map((path) => ({ path, bytes: readFileSync(join(REPO_ROOT, path)) }))
    .filter(({ bytes }) => !bytes.includes(0))
    .map(({ path, bytes }) => ({ path, text: bytes.toString('utf8') }));
}
