/**
 * A TensorFlow installation as the addon needs it: the `tensorflow` package folder of a wheel,
 * with libtensorflow_cc.so.2 (which exports TensorFlow's C API), libtensorflow_framework.so.2
 * and the C headers in include/. Its version is read from its own headers, so a folder given with
 * --from is described as truthfully as one mlpx installed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { TENSORFLOW_LIBRARIES } from '@mlpx/train/tooling';

export interface TensorflowLibrary {
  /** The real (symlink-free) package folder. */
  readonly dir: string;
  readonly version: string;
  /** The pip distribution that installed it, when its dist-info is beside it. */
  readonly distribution?: string;
  /** Built with CUDA (PyPI's `tensorflow`, not `tensorflow-cpu`). */
  readonly cudaBuild: boolean;
}

function isTensorflowDir(dir: string): boolean {
  return TENSORFLOW_LIBRARIES.every((lib) => existsSync(join(dir, lib))) && existsSync(join(dir, 'include', 'tensorflow', 'c', 'c_api.h'));
}

/**
 * TF_MAJOR_VERSION.TF_MINOR_VERSION.TF_PATCH_VERSION + TF_VERSION_SUFFIX from core/public/version.h.
 * Up to TensorFlow 2.19 the header holds the numbers; from 2.20 they are build parameters, and the
 * wheel's dist-info says it (distInfo).
 */
export function parseVersionHeader(text: string): string | undefined {
  const number = (name: string) => new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(text)?.[1];
  const [major, minor, patch] = [number('TF_MAJOR_VERSION'), number('TF_MINOR_VERSION'), number('TF_PATCH_VERSION')];
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  const suffix = /#define\s+TF_VERSION_SUFFIX\s+"([^"]*)"/.exec(text)?.[1] ?? '';
  return `${major}.${minor}.${patch}${suffix}`;
}

/** The pip distribution and version in the `tensorflow*-<version>.dist-info` folder pip wrote beside the package. */
export function distInfo(packageDir: string): { distribution: string; version: string } | undefined {
  const siteFolder = dirname(packageDir);
  const entry = readdirSync(siteFolder).find(
    (name) => /^(tensorflow|tf_nightly)[a-z_]*-[^-]+\.dist-info$/i.test(name) && existsSync(join(siteFolder, name, 'METADATA')),
  );
  const match = entry ? /^(.+)-([^-]+)\.dist-info$/.exec(entry) : null;
  // pip normalises the name in the folder (tensorflow_cpu); the distribution is tensorflow-cpu.
  return match ? { distribution: match[1]!.toLowerCase().replace(/_/g, '-'), version: match[2]! } : undefined;
}

export async function describeTensorflowDir(dir: string): Promise<TensorflowLibrary> {
  const real = await realpath(dir);
  const version =
    parseVersionHeader(await readFile(join(real, 'include', 'tensorflow', 'core', 'public', 'version.h'), 'utf8').catch(() => '')) ?? distInfo(real)?.version;
  if (!version)
    throw new MlpxError(
      `cannot tell the version of the TensorFlow in ${dir} (no version in include/tensorflow/core/public/version.h, no tensorflow*.dist-info beside it)`,
    );
  const buildInfo = await readFile(join(real, 'python', 'platform', 'build_info.py'), 'utf8').catch(() => '');
  const distribution = distInfo(real)?.distribution;
  return { dir: real, version, ...(distribution ? { distribution } : {}), cudaBuild: /'is_cuda_build',\s*True/.test(buildInfo) };
}

export interface TensorflowSource {
  readonly library: TensorflowLibrary;
  /** The Python of the environment, when DIR is one (a venv or prefix with bin/python). */
  readonly python?: string;
}

/**
 * --from DIR: the `tensorflow` package folder itself, a site-packages folder holding it, or a
 * Python environment (venv or prefix) whose lib/python3.X/site-packages holds it.
 */
export async function findTensorflowIn(dir: string): Promise<TensorflowSource> {
  if (!existsSync(dir)) throw new MlpxError(`--from ${dir}: no such folder`);
  const candidates = [dir, join(dir, 'tensorflow')];
  const lib = join(dir, 'lib');
  if (existsSync(lib)) {
    for (const entry of readdirSync(lib)) if (/^python3\.\d+$/.test(entry)) candidates.push(join(lib, entry, 'site-packages', 'tensorflow'));
  }
  const found = candidates.find(isTensorflowDir);
  if (!found) {
    throw new MlpxError(
      `--from ${dir}: no TensorFlow found there (looked for ${TENSORFLOW_LIBRARIES.join(' and ')} with include/tensorflow/c/c_api.h in ${candidates.join(', ')}); ` +
        "give the `tensorflow` folder of a pip install (python -c 'import tensorflow, os; print(os.path.dirname(tensorflow.__file__))'), its site-packages, or its venv",
    );
  }
  const python = join(dir, 'bin', 'python');
  return { library: await describeTensorflowDir(found), ...(existsSync(python) ? { python } : {}) };
}
