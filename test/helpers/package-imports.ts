/**
 * What a workspace package ships and imports: its package.json, and every package name its
 * shipped source files import (static, dynamic and type-only imports, re-exports, and module ids
 * passed to require.resolve), read with TypeScript's own pre-processor rather than a regular
 * expression over the code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './run-cli.js';

export interface PackageJson {
  name: string;
  version: string;
  license?: string;
  description?: string;
  type?: string;
  main?: string;
  bin?: Record<string, string>;
  files?: string[];
  exports?: Record<string, unknown>;
  engines?: Record<string, string>;
  scripts?: Record<string, string>;
  repository?: { type?: string; url?: string; directory?: string };
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** The folder, relative to the repository root (packages/core). */
  folder: string;
  manifest: PackageJson;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function workspacePackages(): WorkspacePackage[] {
  const root = readJson<{ workspaces: string[] }>(join(REPO_ROOT, 'package.json'));
  return root.workspaces.map((folder) => ({ folder, manifest: readJson<PackageJson>(join(REPO_ROOT, folder, 'package.json')) }));
}

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const BUILT = new Set(['dist', 'node_modules']);

function walk(path: string, into: string[]): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) if (!BUILT.has(entry)) walk(join(path, entry), into);
  } else if (CODE.test(path) && !path.endsWith('.d.ts')) {
    into.push(path);
  }
}

/** The code files a package ships: what its `files` names, less build output (dist is built from src). */
export function shippedCodeFiles(pkg: WorkspacePackage): string[] {
  const files: string[] = [];
  for (const entry of pkg.manifest.files ?? []) {
    if (BUILT.has(entry.replace(/\/$/, ''))) continue;
    const path = join(REPO_ROOT, pkg.folder, entry);
    try {
      walk(path, files);
    } catch {
      // A `files` entry that names nothing yet (a build output) ships nothing to scan.
    }
  }
  return files;
}

const BUILTINS = new Set(builtinModules);
const RESOLVED_ID = /\.resolve\(\s*(['"`])([^'"`$]+)\1/g;

/** The package a module id belongs to (`@scope/name/sub` → `@scope/name`), or undefined for relative and built-in ids. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? undefined : name;
}

/** Each imported package name, with the files (relative to the repository) that import it. */
export function importedPackages(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const ids = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
    for (const match of text.matchAll(RESOLVED_ID)) ids.push(match[2]!);
    for (const id of ids) {
      const name = packageOf(id);
      if (!name) continue;
      const where = relative(REPO_ROOT, file);
      found.set(name, [...new Set([...(found.get(name) ?? []), where])]);
    }
  }
  return found;
}

/** Every dependency a consumer's install gives the package at run time. */
export function runtimeDependencies(manifest: PackageJson): Record<string, string> {
  return { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
}
