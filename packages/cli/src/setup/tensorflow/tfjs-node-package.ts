/**
 * tfjs-node's JavaScript and its addon's sources, fetched from npm into the engine's folder with
 * its install script skipped (that script downloads libtensorflow 2.9.1, the build mlpx replaces).
 * Its own copies of tfjs are removed and linked to mlpx's (@mlpx/train's link-tfjs.ts).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { linkSharedTfjs, outputTail, runCommand } from '@mlpx/train/tooling';

export const TFJS_NODE = '@tensorflow/tfjs-node';

/**
 * npm settings that would send the install elsewhere when mlpx itself runs under npm (npx, npm
 * run): the workspace, prefix and package settings of the caller. Registry, proxy and certificate
 * settings are kept.
 */
function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|proxy|https_proxy|noproxy|cafile|ca|strict_ssl|userconfig|cache|fetch_.*)$/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.test(key)));
}

/** Installs tfjs-node `version` under `nodeRoot`; returns its package folder. */
export async function installTfjsNode(nodeRoot: string, version: string, npm: readonly string[]): Promise<string> {
  await mkdir(nodeRoot, { recursive: true });
  const manifest = { private: true, description: 'tfjs-node for mlpx, built by `mlpx setup tensorflow`', dependencies: { [TFJS_NODE]: version } };
  await writeFile(join(nodeRoot, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', '--omit=peer', '--prefix', nodeRoot];
  const result = await runCommand(npm[0]!, [...npm.slice(1), ...args], { cwd: nodeRoot, env: npmEnvironment() });
  if (result.code !== 0) throw new MlpxError(`npm could not fetch ${TFJS_NODE}@${version} into ${nodeRoot}:\n${outputTail(result)}`);
  const scope = join(nodeRoot, 'node_modules', '@tensorflow');
  for (const entry of await readdir(scope)) if (`@tensorflow/${entry}` !== TFJS_NODE) await rm(join(scope, entry), { recursive: true, force: true });
  await linkSharedTfjs(join(nodeRoot, 'node_modules'));
  return join(scope, 'tfjs-node');
}
