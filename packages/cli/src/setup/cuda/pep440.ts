/**
 * The part of PEP 440 that picking a wheel needs: parse a version, order two versions, and test a
 * version against a specifier set such as `~=13.0`, `>=9,<10` or `==1.30.0`. Pre-releases and
 * dev releases (`13.4.46rc1`, `9.28.0.42.dev7`) are never picked: pip skips them too unless asked.
 */
import { MlpxError } from '@mlpx/core';

export interface Version {
  readonly text: string;
  readonly epoch: number;
  readonly release: readonly number[];
  /** A pre-release or dev release. */
  readonly prerelease: boolean;
  readonly post: number;
}

const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)((?:a|b|c|rc|alpha|beta|pre|preview)\.?\d*)?(?:[.-]?(?:post|rev|r)\.?(\d+)|-(\d+))?(\.?dev\.?\d*)?(?:\+[a-z0-9.]+)?$/i;

export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return {
    text,
    epoch: Number(match[1] ?? 0),
    release: match[2]!.split('.').map(Number),
    prerelease: match[3] !== undefined || match[6] !== undefined,
    post: Number(match[4] ?? match[5] ?? -1),
  };
}

/** Orders final releases (pre-releases are only ever compared by their release numbers). */
export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  const length = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (difference !== 0) return difference;
  }
  if (a.prerelease !== b.prerelease) return a.prerelease ? -1 : 1;
  return a.post - b.post;
}

function startsWith(version: Version, prefix: readonly number[]): boolean {
  return prefix.every((part, i) => (version.release[i] ?? 0) === part);
}

function parseOrFail(text: string, specifier: string): Version {
  const version = parseVersion(text);
  if (!version) throw new MlpxError(`cannot read the version '${text}' in the requirement '${specifier}'`);
  return version;
}

/** Whether `version` satisfies every clause of `specifiers` ('' = any version). */
export function satisfies(version: Version, specifiers: string): boolean {
  for (const clause of specifiers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(~=|===|==|!=|<=|>=|<|>)\s*(.+)$/.exec(clause);
    if (!match) throw new MlpxError(`cannot read the version specifier '${clause}'`);
    const [, operator, operand] = match as unknown as [string, string, string];
    if (operator === '===') {
      if (version.text !== operand) return false;
      continue;
    }
    if ((operator === '==' || operator === '!=') && operand.endsWith('.*')) {
      const prefix = operand.slice(0, -2).split('.').map(Number);
      if (startsWith(version, prefix) !== (operator === '==')) return false;
      continue;
    }
    const other = parseOrFail(operand, clause);
    const order = compareVersions(version, other);
    const ok =
      operator === '~='
        ? order >= 0 && other.release.length >= 2 && startsWith(version, other.release.slice(0, -1))
        : operator === '=='
          ? order === 0
          : operator === '!='
            ? order !== 0
            : operator === '<='
              ? order <= 0
              : operator === '>='
                ? order >= 0
                : operator === '<'
                  ? order < 0
                  : order > 0;
    if (!ok) return false;
  }
  return true;
}
