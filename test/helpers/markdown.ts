/**
 * Reading Markdown as GitHub renders it, for the tests of the repository's documents: the anchors
 * its headings get, the links it holds, and the code it shows (fenced blocks and inline code),
 * each with the line it starts on.
 */

/** Something found in a Markdown file, and the 1-based line it starts on. */
export interface Located {
  text: string;
  line: number;
}

/** Whether a line opens or closes a fenced code block (``` or ~~~, up to three spaces in). */
function isFence(line: string): boolean {
  return /^ {0,3}(```|~~~)/.test(line);
}

/**
 * GitHub's anchor for a heading: the text as shown (links by their text, no emphasis or code
 * marks), lower case, punctuation dropped, each space a hyphen.
 */
export function anchorOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a file's headings get; a repeated heading gets -1, -2, ... as on GitHub. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (isFence(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1]!);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** The target of every inline link `[text](target)` and image `![alt](target)`, with its line. */
export function linksOf(markdown: string): Located[] {
  const links: Located[] = [];
  markdown.split('\n').forEach((line, i) => {
    for (const [, target] of line.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) links.push({ text: target!, line: i + 1 });
  });
  return links;
}

/**
 * The code a file shows: each logical line of a fenced block (a line ending in a backslash joined
 * with the next, as the shell reads it), and each inline code span outside the blocks (a span may
 * run over a line break inside its paragraph).
 */
export function codeOf(markdown: string): Located[] {
  const code: Located[] = [];
  const lines = markdown.split('\n');
  let fenced = false;
  let paragraph: Located | undefined;
  const endParagraph = (): void => {
    if (paragraph) code.push(...inlineCodeOf(paragraph));
    paragraph = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isFence(line)) {
      endParagraph();
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      let joined = line;
      const start = i + 1;
      while (joined.endsWith('\\') && i + 1 < lines.length && !isFence(lines[i + 1]!)) joined = `${joined.slice(0, -1)} ${lines[++i]!}`;
      code.push({ text: joined, line: start });
    } else if (line.trim() === '') {
      endParagraph();
    } else if (paragraph) {
      paragraph.text += `\n${line}`;
    } else {
      paragraph = { text: line, line: i + 1 };
    }
  }
  endParagraph();
  return code;
}

/** The inline code spans of a paragraph (single backticks; the rare double-backtick span too). */
function inlineCodeOf(paragraph: Located): Located[] {
  const spans: Located[] = [];
  for (const match of paragraph.text.matchAll(/(`+)([^`]+?)\1(?!`)/g)) {
    const before = paragraph.text.slice(0, match.index);
    spans.push({ text: match[2]!.replace(/\n/g, ' '), line: paragraph.line + (before.match(/\n/g)?.length ?? 0) });
  }
  return spans;
}

/**
 * The lines where a table is cut in two: a table row, a blank line, then a row that starts no new
 * table (no `|---|` line under it). GitHub ends the table at the blank line and shows the rest as
 * text.
 */
export function tableBreaksOf(markdown: string): number[] {
  const lines = markdown.split('\n');
  const isRow = (line: string | undefined): boolean => line !== undefined && line.trimStart().startsWith('|');
  const breaks: number[] = [];
  let fenced = false;
  lines.forEach((line, i) => {
    if (isFence(line)) fenced = !fenced;
    if (fenced || line.trim() !== '' || !isRow(lines[i - 1]) || !isRow(lines[i + 1])) return;
    if (!/^\s*\|?\s*:?-{3,}/.test(lines[i + 2] ?? '')) breaks.push(i + 1);
  });
  return breaks;
}
