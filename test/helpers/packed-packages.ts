/**
 * The packages as a user gets them: `npm pack` tarballs of the workspaces (each built by its
 * prepack), and npm run as a user runs it, outside `npm test`'s environment.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './run-cli.js';

const run = promisify(execFile);

export interface PackedPackage {
  name: string;
  version: string;
  /** The tarball's absolute path. */
  path: string;
  /** The tarball's size and the size of what it holds, in bytes. */
  size: number;
  unpackedSize: number;
}

/** An address where nothing listens: onnxruntime-node's install script, which honours global-agent's proxy variables, cannot reach NuGet through it on any machine. */
export const UNREACHABLE_PROXY = 'http://127.0.0.1:9';

/**
 * The environment of a user's shell: without what `npm test` sets for its scripts (npm_*, which
 * would make npm think it runs inside this repository), but with the npm cache CI chose; NuGet out
 * of reach; and onnxruntime-node's NuGet download skipped as the README's install line does.
 */
export function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const cache = process.env.npm_config_cache;
  return {
    ...env,
    ...(cache ? { npm_config_cache: cache } : {}),
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    GLOBAL_AGENT_HTTP_PROXY: UNREACHABLE_PROXY,
    GLOBAL_AGENT_HTTPS_PROXY: UNREACHABLE_PROXY,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ...extra,
  };
}

/** `npm pack` of the named workspace folders (packages/core, ...) into `destination`. */
export async function packWorkspaces(destination: string, folders: readonly string[]): Promise<PackedPackage[]> {
  const args = ['pack', ...folders.flatMap((f) => ['--workspace', f]), '--pack-destination', destination, '--json'];
  const { stdout } = await run('npm', args, { cwd: REPO_ROOT, env: userEnvironment(), maxBuffer: 64 << 20 });
  // prepack's banners go to stderr; stdout is the JSON, unless a build printed before it.
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { name: string; version: string; filename: string; size: number; unpackedSize: number }[];
  return packed.map((p) => ({ name: p.name, version: p.version, path: join(destination, p.filename), size: p.size, unpackedSize: p.unpackedSize }));
}

/**
 * `npm install` of tarballs, as a user types it: into `folder` (a project), or globally under
 * `prefix`. Registry packages come from npm's cache where it has them, else from the registry.
 */
export async function npmInstall(tarballs: readonly string[], where: { folder: string } | { prefix: string }): Promise<{ stdout: string; stderr: string }> {
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', ...('prefix' in where ? ['--global', '--prefix', where.prefix] : []), ...tarballs];
  return run('npm', args, { cwd: 'folder' in where ? where.folder : where.prefix, env: userEnvironment(), maxBuffer: 64 << 20 });
}
