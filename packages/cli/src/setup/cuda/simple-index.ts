/**
 * A client for a PEP 691 "simple" package index (JSON: `Accept: application/vnd.pypi.simple.v1+json`),
 * and the choice of wheel: one built for Linux x86_64 with a glibc no newer than this machine's
 * (manylinux tags), any Python tag (no Python runs: only the shared libraries are used), not
 * yanked, with a sha256. The version is the newest final release that satisfies the specifiers.
 */
import { MlpxError } from '@mlpx/core';
import { httpFailure, httpGet } from './http.js';
import { compareVersions, parseVersion, satisfies, type Version } from './pep440.js';
import { normalizeName } from './requirements.js';

export interface IndexFile {
  readonly filename: string;
  readonly url: string;
  readonly sha256: string | undefined;
  readonly size: number | undefined;
  readonly yanked: boolean;
}

export interface WheelFile {
  /** The normalized project name. */
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly url: string;
  readonly sha256: string;
  readonly size: number | undefined;
}

interface Pep691Project {
  files?: { filename?: unknown; url?: unknown; hashes?: Record<string, unknown>; size?: unknown; yanked?: unknown }[];
}

/** The files the index lists for a project. */
export async function listProjectFiles(indexUrl: string, project: string): Promise<IndexFile[]> {
  const url = `${indexUrl}/${normalizeName(project)}/`;
  const response = await httpGet(url, { Accept: 'application/vnd.pypi.simple.v1+json' }, 120_000);
  if (response.status === 404) throw new MlpxError(`the package index ${indexUrl} has no project '${project}' (${url} answered HTTP 404)`);
  if (!response.ok) throw httpFailure(url, response);
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    throw new MlpxError(
      `${url} did not answer in PEP 691 JSON (Content-Type: ${type || 'none'}); mlpx setup cuda needs an index that speaks the JSON simple API`,
    );
  }
  let document: Pep691Project;
  try {
    document = (await response.json()) as Pep691Project;
  } catch (error) {
    throw new MlpxError(`${url} answered JSON that does not parse: ${(error as Error).message}`);
  }
  if (!Array.isArray(document.files)) throw new MlpxError(`${url} answered JSON without a 'files' list`);
  return document.files.flatMap((file) => {
    if (typeof file.filename !== 'string' || typeof file.url !== 'string') return [];
    const sha256 = file.hashes?.['sha256'];
    return [
      {
        filename: file.filename,
        url: new URL(file.url, url).href,
        sha256: typeof sha256 === 'string' ? sha256.toLowerCase() : undefined,
        size: typeof file.size === 'number' ? file.size : undefined,
        yanked: file.yanked !== undefined && file.yanked !== false,
      },
    ];
  });
}

/** This machine's glibc version ([2, 36]); [2, 17] when Node cannot say. */
export function glibcVersion(): [number, number] {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const match = /^(\d+)\.(\d+)/.exec(header?.glibcVersionRuntime ?? '');
  return match ? [Number(match[1]), Number(match[2])] : [2, 17];
}

const LEGACY_MANYLINUX: Record<string, [number, number]> = { manylinux1: [2, 5], manylinux2010: [2, 12], manylinux2014: [2, 17] };

/** The newest glibc a wheel's platform tags ask for, if one of them is a Linux x86_64 tag this glibc meets. */
export function linuxTagGlibc(platformTags: string, glibc: [number, number]): [number, number] | undefined {
  let best: [number, number] | undefined;
  for (const tag of platformTags.split('.')) {
    const modern = /^manylinux_(\d+)_(\d+)_x86_64$/.exec(tag);
    const legacy = /^(manylinux1|manylinux2010|manylinux2014)_x86_64$/.exec(tag);
    const needs: [number, number] | undefined = modern ? [Number(modern[1]), Number(modern[2])] : legacy ? LEGACY_MANYLINUX[legacy[1]!] : undefined;
    if (!needs) continue;
    const fits = needs[0] < glibc[0] || (needs[0] === glibc[0] && needs[1] <= glibc[1]);
    if (fits && (!best || needs[0] > best[0] || (needs[0] === best[0] && needs[1] > best[1]))) best = needs;
  }
  return best;
}

interface ParsedWheel {
  readonly file: IndexFile;
  readonly version: Version;
  readonly glibc: [number, number];
  readonly pythonTag: string;
}

function parseWheelName(file: IndexFile, project: string, glibc: [number, number]): ParsedWheel | undefined {
  const parts = file.filename.replace(/\.whl$/, '').split('-');
  if (!file.filename.endsWith('.whl') || (parts.length !== 5 && parts.length !== 6)) return undefined;
  if (normalizeName(parts[0]!) !== normalizeName(project)) return undefined;
  const version = parseVersion(parts[1]!);
  const platform = linuxTagGlibc(parts.at(-1)!, glibc);
  if (!version || !platform) return undefined;
  return { file, version, glibc: platform, pythonTag: parts.at(-3)! };
}

/**
 * The wheel to install for `project`: the newest final release satisfying `specifiers` (or exactly
 * `exactVersion`) that has a Linux x86_64 wheel for this glibc. Among that release's wheels, the
 * one with the newest manylinux tag, then the newest Python tag (they hold the same libraries).
 */
export function chooseWheel(files: readonly IndexFile[], project: string, specifiers: string, glibc: [number, number] = glibcVersion()): WheelFile | undefined {
  const candidates = files
    .filter((file) => !file.yanked && file.sha256 !== undefined)
    .map((file) => parseWheelName(file, project, glibc))
    .filter((wheel): wheel is ParsedWheel => wheel !== undefined && !wheel.version.prerelease && satisfies(wheel.version, specifiers));
  const pythonRank = (tag: string): number => Number(/^cp3(\d+)$/.exec(tag)?.[1] ?? (tag.startsWith('py3') ? 0 : -1));
  candidates.sort(
    (a, b) =>
      compareVersions(b.version, a.version) ||
      b.glibc[0] - a.glibc[0] ||
      b.glibc[1] - a.glibc[1] ||
      pythonRank(b.pythonTag) - pythonRank(a.pythonTag) ||
      a.file.filename.localeCompare(b.file.filename),
  );
  const best = candidates[0];
  if (!best) return undefined;
  return {
    name: normalizeName(project),
    version: best.version.text,
    filename: best.file.filename,
    url: best.file.url,
    sha256: best.file.sha256!,
    size: best.file.size,
  };
}

/** chooseWheel over the index's listing; an MlpxError naming the project and specifiers when none fits. */
export async function findWheel(indexUrl: string, project: string, specifiers: string): Promise<WheelFile> {
  const files = await listProjectFiles(indexUrl, project);
  const glibc = glibcVersion();
  const wheel = chooseWheel(files, project, specifiers, glibc);
  if (!wheel) {
    throw new MlpxError(
      `${indexUrl}/${normalizeName(project)}/ lists no Linux x86_64 wheel of ${project}${specifiers ? ` ${specifiers}` : ''} for glibc ${glibc.join('.')} (of ${files.length} files)`,
    );
  }
  return wheel;
}
