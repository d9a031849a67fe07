/**
 * tfjs-node registers its 'tensorflow' backend with the @tensorflow/tfjs-core it requires. That
 * must be the copy mlpx itself uses, or the backend lands in another engine. The engine's
 * node_modules therefore holds no tfjs of its own: @tensorflow/tfjs and @tensorflow/tfjs-core are
 * symbolic links to the copies this mlpx resolves (Node follows them to their real paths, so
 * everything they require resolves inside mlpx's tree). The links are checked, and mended, each
 * time the engine loads: mlpx may have been reinstalled elsewhere since setup.
 */
import { lstat, readlink, realpath, rename, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The packages tfjs-node requires by name that must be mlpx's own copies. */
export const SHARED_TFJS_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core'] as const;

/** The real folder of a package as this mlpx resolves it. */
export async function mlpxPackageFolder(name: string): Promise<string> {
  return realpath(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)));
}

/**
 * Makes `<nodeModules>/<name>` a symbolic link to mlpx's copy for each shared package (replacing
 * npm's copy or a stale link; the new link is renamed into place, so a concurrent load sees the
 * old link or the new one). Returns true when something changed.
 */
export async function linkSharedTfjs(nodeModules: string): Promise<boolean> {
  let changed = false;
  for (const name of SHARED_TFJS_PACKAGES) {
    const target = await mlpxPackageFolder(name);
    const link = join(nodeModules, name);
    if ((await currentLink(link)) === target) continue;
    const temporary = `${link}.link-${process.pid}`;
    await rm(temporary, { recursive: true, force: true });
    await symlink(target, temporary, 'dir');
    const existing = await lstat(link).catch(() => undefined);
    if (existing && !existing.isSymbolicLink()) await rm(link, { recursive: true, force: true });
    await rename(temporary, link);
    changed = true;
  }
  return changed;
}

async function currentLink(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}
