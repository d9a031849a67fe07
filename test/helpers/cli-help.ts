/**
 * What the built mlpx command says about itself: its commands (with `setup`'s subcommands, as
 * `setup tensorflow`) and the flags each one's `--help` lists. A flag `--help` does not list (a
 * hidden alias, say) is not one a document may show.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './run-cli.js';

const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');
const BUILT_MAIN = join(REPO_ROOT, 'packages', 'cli', 'dist', 'main.js');

/** `node packages/cli/bin/mlpx.js ...args --help`'s output. */
async function help(args: readonly string[]): Promise<string> {
  if (!existsSync(BUILT_MAIN))
    throw new Error('packages/cli/dist/main.js is missing: run `npx tsc -b` first (this test reads the built command\u2019s --help)');
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, ...args, '--help'], { cwd: REPO_ROOT });
  return stdout;
}

/** The names in a help text's "Commands:" section (commander's own `help` aside). */
export function commandsIn(helpText: string): string[] {
  const section = /^Commands:\n((?: {2}.*\n?)*)/m.exec(helpText)?.[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]!).filter((name) => name !== 'help');
}

/** The flags in a help text's "Options:" section: `-m, --model <name>` gives -m and --model. */
export function flagsIn(helpText: string): Set<string> {
  const section = /^Options:\n((?: {2}.*\n?)*)/m.exec(helpText)?.[1] ?? '';
  const flags = new Set<string>();
  for (const [, names] of section.matchAll(/^ {2}(-\S.*?)(?: {2,}|$)/gm)) {
    for (const [flag] of names!.matchAll(/--?[A-Za-z][\w-]*/g)) flags.add(flag);
  }
  return flags;
}

/** Each command as it is typed (`train`, `setup tensorflow`), with the flags its --help lists. */
export async function cliFlags(): Promise<Map<string, Set<string>>> {
  const flags = new Map<string, Set<string>>();
  const visit = async (path: readonly string[]): Promise<void> => {
    const text = await help(path);
    if (path.length > 0) flags.set(path.join(' '), flagsIn(text));
    await Promise.all(commandsIn(text).map((name) => visit([...path, name])));
  };
  await visit([]);
  return flags;
}
