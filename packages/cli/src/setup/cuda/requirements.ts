/**
 * A wheel's dependencies as its METADATA states them: `Requires-Dist: name[extras] specifiers;
 * marker` lines (PEP 508) and `Provides-Extra` lines. Markers are evaluated for the machine the
 * libraries are for (Linux x86_64); no Python runs, so python_version is a nominal 3.12.
 */
import { MlpxError } from '@mlpx/core';

export interface Requirement {
  /** The normalized project name (PEP 503): lower case, runs of -_. as one '-'. */
  readonly name: string;
  /** The version specifiers, comma-separated ('' = any version). */
  readonly specifiers: string;
  /** The marker after ';', or '' when there is none. */
  readonly marker: string;
  /** The line as written. */
  readonly text: string;
}

export interface WheelMetadata {
  readonly name: string;
  readonly version: string;
  readonly extras: string[];
  readonly requirements: Requirement[];
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function parseRequirement(text: string): Requirement {
  const [spec, marker = ''] = splitOnce(text, ';');
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*\(?([^)]*)\)?\s*$/.exec(spec);
  if (!match) throw new MlpxError(`cannot read the requirement '${text}'`);
  return { name: normalizeName(match[1]!), specifiers: match[2]!.replace(/\s+/g, ''), marker: marker.trim(), text: text.trim() };
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

/** Reads a METADATA file (RFC 822 headers; the body after the first blank line is ignored). */
export function parseMetadata(text: string, source: string): WheelMetadata {
  const headers = text.split(/\r?\n\r?\n/, 1)[0]!.split(/\r?\n/);
  const values = (key: string): string[] =>
    headers.filter((line) => line.toLowerCase().startsWith(`${key.toLowerCase()}:`)).map((line) => line.slice(key.length + 1).trim());
  const name = values('Name')[0];
  const version = values('Version')[0];
  if (!name || !version) throw new MlpxError(`${source}: METADATA names no Name or Version`);
  return {
    name: normalizeName(name),
    version,
    extras: values('Provides-Extra').map(normalizeName),
    requirements: values('Requires-Dist').map(parseRequirement),
  };
}

const ENVIRONMENT: Record<string, string> = {
  os_name: 'posix',
  sys_platform: 'linux',
  platform_system: 'Linux',
  platform_machine: 'x86_64',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  python_version: '3.12',
  python_full_version: '3.12.0',
};

type Token = { kind: 'string' | 'name' | 'op' | 'paren'; value: string };

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(["'])(.*?)\1|(\(|\))|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/gy;
  let match: RegExpExecArray | null;
  let at = 0;
  while (at < marker.length && (match = pattern.exec(marker))) {
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'string', value: match[2]! });
    else if (match[3]) tokens.push({ kind: 'paren', value: match[3] });
    else if (match[4]) tokens.push({ kind: 'op', value: match[4].replace(/\s+/g, ' ') });
    else if (match[5]) tokens.push({ kind: 'name', value: match[5] });
  }
  if (marker.slice(at).trim() !== '') throw new MlpxError(`cannot read the environment marker '${marker}'`);
  return tokens;
}

/** Whether a marker holds on Linux x86_64 with `extra` set ('' when installing no extra). */
export function markerHolds(marker: string, extra: string): boolean {
  if (marker.trim() === '') return true;
  const tokens = tokenize(marker);
  let at = 0;
  const fail = (): never => {
    throw new MlpxError(`cannot read the environment marker '${marker}'`);
  };
  const value = (): string => {
    const token = tokens[at++] ?? fail();
    if (token.kind === 'string') return token.value;
    if (token.kind !== 'name') return fail();
    if (token.value === 'extra') return extra;
    return ENVIRONMENT[token.value] ?? '';
  };
  const comparison = (): boolean => {
    if (tokens[at]?.value === '(') {
      at++;
      const result = disjunction();
      if (tokens[at++]?.value !== ')') fail();
      return result;
    }
    const left = value();
    const operator = tokens[at++] ?? fail();
    if (operator.kind !== 'op') fail();
    const right = value();
    const [l, r] = operator.value.includes('in') ? [left, right] : [normalizeIfExtra(left), normalizeIfExtra(right)];
    switch (operator.value) {
      case '==':
      case '===':
        return l === r;
      case '!=':
        return l !== r;
      case 'in':
        return r.includes(l);
      case 'not in':
        return !r.includes(l);
      default:
        return compareDotted(l, r, operator.value);
    }
  };
  const conjunction = (): boolean => {
    let result = comparison();
    while (tokens[at]?.value === 'and') {
      at++;
      result = comparison() && result;
    }
    return result;
  };
  const disjunction = (): boolean => {
    let result = conjunction();
    while (tokens[at]?.value === 'or') {
      at++;
      result = conjunction() || result;
    }
    return result;
  };
  const result = disjunction();
  if (at !== tokens.length) fail();
  return result;
}

function normalizeIfExtra(text: string): string {
  return /^[A-Za-z0-9._-]+$/.test(text) && !/^\d/.test(text) ? normalizeName(text) : text;
}

function compareDotted(left: string, right: string, operator: string): boolean {
  const a = left.split('.').map(Number);
  const b = right.split('.').map(Number);
  let order = 0;
  for (let i = 0; i < Math.max(a.length, b.length) && order === 0; i++) order = (a[i] ?? 0) - (b[i] ?? 0);
  if (operator === '<') return order < 0;
  if (operator === '<=') return order <= 0;
  if (operator === '>') return order > 0;
  if (operator === '>=') return order >= 0;
  if (operator === '~=') return order >= 0;
  return false;
}

/** The requirements active when installing the given extras (with none of them: the base ones). */
export function activeRequirements(metadata: WheelMetadata, extras: readonly string[]): Requirement[] {
  const wanted = ['', ...extras.map(normalizeName)];
  return metadata.requirements.filter((requirement) => wanted.some((extra) => markerHolds(requirement.marker, extra)));
}
