/**
 * The documents say what is true of the repository: every `mlpx <command> --flag` a Markdown file
 * shows (in a code block or inline code) is a flag that command's `--help` lists, every relative
 * link leads to a file that exists (and, with an anchor, to one of its headings), and so does
 * every link to this repository on GitHub, in the documents and in the messages the packages
 * print; and no table is cut in two by a blank line.
 *
 * The flags come from the built command (`npx tsc -b` first): `node packages/cli/bin/mlpx.js
 * <command> --help`, once per command and subcommand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliFlags } from '../helpers/cli-help.js';
import { anchorsOf, codeOf, linksOf, tableBreaksOf, type Located } from '../helpers/markdown.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { trackedTexts, type TrackedText } from '../helpers/tracked-files.js';

const FILES = trackedTexts();
const MARKDOWN = FILES.filter((file) => file.path.endsWith('.md'));

/** An `mlpx ...` invocation found in a document's code. */
interface Invocation {
  /** The words after `mlpx`, up to the first flag or argument that is not a command name. */
  words: string[];
  flags: string[];
  /** Whether it is written as typed (`npx mlpx ...`, or at the start of the code), not named in prose. */
  typed: boolean;
  line: number;
}

/**
 * The invocations in one piece of code: from each `mlpx` (`npx mlpx` too, not `mlpx.js` or
 * `@mlpx/...`) to the end of its shell command (a comment, `;`, `&&`, a pipe, a redirection, a
 * closing parenthesis). Placeholders such as `<model>` or `<tensorflow|wasm>` are arguments.
 */
function invocationsIn(code: Located): Invocation[] {
  const text = code.text.replace(/<[^<>\s]*(?:\s[^<>]*)?>/g, 'ARG');
  const found: Invocation[] = [];
  for (const match of text.matchAll(/(?<![\w@/.'-])mlpx\s+(?=[a-z])/g)) {
    const command = text.slice(match.index + match[0].length).split(/\s#|;|&&|\||>|\)|\bmlpx\s/)[0]!;
    const tokens = command
      .trim()
      .split(/\s+/)
      .map((token) => token.replace(/[,.:]+$/, ''));
    const firstOther = tokens.findIndex((token) => !/^[a-z][\w-]*$/.test(token));
    const words = tokens.slice(0, firstOther === -1 ? tokens.length : firstOther);
    const flags = tokens.filter((token) => /^--?[A-Za-z]/.test(token)).map((token) => token.replace(/=.*$/, ''));
    const typed = /(^|\bnpx\s+|^\s*\$\s+)$/.test(text.slice(0, match.index));
    found.push({ words, flags, typed, line: code.line });
  }
  return found;
}

/** The command an invocation runs: its longest leading words that name one (`setup tensorflow`). */
function commandOf(words: readonly string[], commands: ReadonlyMap<string, unknown>): string | undefined {
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(' ');
    if (commands.has(name)) return name;
  }
  return undefined;
}

/** `file:line: why` for each invocation in a Markdown file that names no command or a flag --help does not list. */
function wrongInvocations({ path, text }: TrackedText, flags: ReadonlyMap<string, ReadonlySet<string>>): { wrong: string[]; checked: number } {
  const wrong: string[] = [];
  let checked = 0;
  for (const code of codeOf(text)) {
    for (const { words, flags: shown, typed, line } of invocationsIn(code)) {
      const command = commandOf(words, flags);
      if (command === undefined) {
        // Prose in a code block ("the mlpx command") is no invocation; a typed one or one with flags is.
        if (words.length > 0 && (typed || shown.length > 0))
          wrong.push(`${path}:${line}: \`mlpx ${words.join(' ')}\`: no such command (\`mlpx --help\` lists ${[...flags.keys()].join(', ')})`);
        continue;
      }
      for (const flag of shown) {
        checked++;
        if (!flags.get(command)!.has(flag)) wrong.push(`${path}:${line}: \`mlpx ${command} ${flag}\`: \`mlpx ${command} --help\` lists no ${flag}`);
      }
    }
  }
  return { wrong, checked };
}

describe('mlpx invocations in the documents', () => {
  let flags: Map<string, Set<string>>;
  beforeAll(async () => {
    flags = await cliFlags();
  }, 120_000);

  it('reads the commands and their flags from --help (the check is not vacuous)', () => {
    expect([...flags.keys()]).toEqual(
      expect.arrayContaining(['train', 'export', 'infer', 'eval', 'serve', 'setup tensorflow', 'setup cuda', 'bench', 'doctor', 'quickstart']),
    );
    expect(flags.get('train')).toContain('--model');
    expect(flags.get('setup tensorflow')).toContain('--gpu');
    expect(flags.get('train')).not.toContain('--gpu');
  });

  it('show only commands that exist, with flags their --help lists', () => {
    const results = MARKDOWN.map((file) => wrongInvocations(file, flags));
    expect(results.flatMap((result) => result.wrong)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.checked, 0)).toBeGreaterThan(100);
  });

  it('catch a flag the command lacks, in a block and inline, and a command that does not exist', () => {
    const known = new Map([
      ['train', new Set(['--model', '--help'])],
      ['setup', new Set(['--help'])],
      ['setup cuda', new Set(['--force', '--help'])],
    ]);
    const doc: TrackedText = {
      path: 'docs/example.md',
      text: [
        '```sh',
        'npx mlpx train --model mixer \\',
        '  --gpu   # --not-a-flag in a comment',
        'npx mlpx setup cuda --force && npx mlpx setup cuda --gpu',
        '```',
        '',
        'Run `mlpx train --model <a|b> --limit=5`, or `mlpx trian --model x`; the mlpx command is',
        'not one, nor `mlpx <command> --flag`.',
      ].join('\n'),
    };
    expect(wrongInvocations(doc, known).wrong).toEqual([
      'docs/example.md:2: `mlpx train --gpu`: `mlpx train --help` lists no --gpu',
      'docs/example.md:4: `mlpx setup cuda --gpu`: `mlpx setup cuda --help` lists no --gpu',
      'docs/example.md:7: `mlpx train --limit`: `mlpx train --help` lists no --limit',
      'docs/example.md:7: `mlpx trian`: no such command (`mlpx --help` lists train, setup, setup cuda)',
    ]);
  });
});

/** Where a link into the repository leads: a path from the root and, maybe, an anchor. */
interface Target {
  path: string;
  anchor: string | undefined;
}

/** `https://github.com/mlpx/mlpx[/blob/main/<path>][#anchor]`: this repository on GitHub. */
const REPOSITORY_URL = /https:\/\/github\.com\/mlpx\/mlpx(?:\/(?:blob|tree)\/main\/([^\s#'"`)<>]+))?(?:#([\w-]+))?(?![\w./-])/g;

function targetOfUrl(match: RegExpMatchArray): Target {
  return { path: match[1] ?? 'README.md', anchor: match[1] === undefined && match[2] === 'readme' ? undefined : match[2] };
}

/** Why a target does not resolve, or undefined when it does; `from` is the file that links (read as given). */
function brokenBecause({ path, anchor }: Target, from?: TrackedText): string | undefined {
  const self = from?.path === path;
  if (!self && !existsSync(join(REPO_ROOT, path))) return `no ${path}`;
  if (anchor === undefined || !path.endsWith('.md')) return undefined;
  const markdown = self ? from.text : readFileSync(join(REPO_ROOT, path), 'utf8');
  return anchorsOf(markdown).has(anchor) ? undefined : `no heading #${anchor} in ${path}`;
}

/** `file:line: target (why)` for every link of a Markdown file that does not resolve. */
function brokenLinks(file: TrackedText): string[] {
  const { path, text } = file;
  const broken: string[] = [];
  for (const { text: target, line } of linksOf(text)) {
    let resolved: Target | undefined;
    const url = [...target.matchAll(REPOSITORY_URL)][0];
    if (url && url.index === 0) resolved = targetOfUrl(url);
    else if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      const [file, anchor] = target.split('#') as [string, string | undefined];
      resolved = { path: file === '' ? path : normalize(join(dirname(path), decodeURIComponent(file))), anchor };
    }
    const why = resolved && brokenBecause(resolved, file);
    if (why) broken.push(`${path}:${line}: ${target} (${why})`);
  }
  return broken;
}

describe('links in the Markdown files', () => {
  it('lead to files that exist, and to headings they have', () => {
    expect(MARKDOWN.flatMap(brokenLinks)).toEqual([]);
  });

  it('are read (the check is not vacuous)', () => {
    expect(MARKDOWN.flatMap((file) => linksOf(file.text)).length).toBeGreaterThan(50);
  });

  it('catch a missing file and a missing heading', () => {
    const doc: TrackedText = {
      path: 'docs/example.md',
      text: '# A heading\n\n[here](#a-heading), [gone](#gone), [no file](nowhere.md), [readme](../README.md)\n',
    };
    expect(brokenLinks(doc)).toEqual(['docs/example.md:3: #gone (no heading #gone in docs/example.md)', 'docs/example.md:3: nowhere.md (no docs/nowhere.md)']);
  });
});

describe('tables in the Markdown files', () => {
  it('are not cut in two by a blank line', () => {
    expect(MARKDOWN.flatMap(({ path, text }) => tableBreaksOf(text).map((line) => `${path}:${line}: a blank line inside a table`))).toEqual([]);
  });

  it('catch a blank line between two rows', () => {
    expect(tableBreaksOf('| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n\n| c |\n|---|\n')).toEqual([4]);
  });
});

describe("links to this repository in the packages' sources", () => {
  const sources = FILES.filter((file) => /^packages\/[^/]+\/(src|bin|scripts)\//.test(file.path));
  it('lead to documents and headings that exist', () => {
    const broken: string[] = [];
    for (const { path, text } of sources) {
      text.split('\n').forEach((line, i) => {
        for (const match of line.matchAll(REPOSITORY_URL)) {
          const why = brokenBecause(targetOfUrl(match));
          if (why) broken.push(`${path}:${i + 1}: ${match[0]} (${why})`);
        }
      });
    }
    expect(broken).toEqual([]);
  });
});
