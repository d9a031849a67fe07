/**
 * Compiles tfjs-node's N-API addon against a TensorFlow wheel's libraries, offline: node-gyp with
 * Node's installed headers (--nodedir), the wheel's C headers as deps/include, and its libraries
 * under the names binding.gyp links (-ltensorflow, -ltensorflow_framework); and beside it mlpx's
 * small stderr-capture addon (stderr-capture-source.ts).
 *
 * The addon's RUNPATH gets the wheel's real folder, ahead of binding.gyp's own
 * `$ORIGIN/../../deps/lib` (which holds only link-time names, never the sonames). TensorFlow is so
 * loaded by its real path, and glibc expands the `$ORIGIN` in its own RUNPATH (`$ORIGIN/../nvidia/…`,
 * how it finds PyPI's CUDA wheels) from that path; a per-file symlink would break it (docs/toolchain-notes.md).
 */
import { availableParallelism } from 'node:os';
import { copyFile, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { ADDON_PATH, outputTail, runCommand, STDERR_CAPTURE_PATH } from '@mlpx/train/tooling';
import type { BuildTools } from './build-tools.js';
import { addStderrCaptureTarget, STDERR_CAPTURE_TARGET } from './stderr-capture-source.js';
import type { TensorflowLibrary } from './tensorflow-library.js';

/** deps/ as binding.gyp expects it: include/ and link-time names of the two libraries. */
async function linkDeps(packageDir: string, library: TensorflowLibrary): Promise<void> {
  const deps = join(packageDir, 'deps');
  await rm(deps, { recursive: true, force: true });
  await mkdir(join(deps, 'lib'), { recursive: true });
  await symlink(join(library.dir, 'include'), join(deps, 'include'), 'dir');
  await symlink(join(library.dir, 'libtensorflow_cc.so.2'), join(deps, 'lib', 'libtensorflow.so'));
  await symlink(join(library.dir, 'libtensorflow_framework.so.2'), join(deps, 'lib', 'libtensorflow_framework.so'));
}

/** Builds the addon in `packageDir`; returns its path. */
export async function buildAddon(packageDir: string, library: TensorflowLibrary, tools: BuildTools): Promise<string> {
  await linkDeps(packageDir, library);
  await addStderrCaptureTarget(packageDir);
  const env = {
    ...process.env,
    CXX: tools.compiler,
    LDFLAGS: [`-Wl,-rpath,${library.dir}`, process.env.LDFLAGS].filter(Boolean).join(' '),
  };
  const args = [
    tools.nodeGyp,
    'rebuild',
    `--nodedir=${tools.nodeDir}`,
    '--module_name=tfjs_binding',
    '--module_path=lib/napi-v8',
    '--napi_build_version=8',
    `--jobs=${availableParallelism()}`,
  ];
  const result = await runCommand(process.execPath, args, { cwd: packageDir, env });
  if (result.code !== 0)
    throw new MlpxError(`compiling tfjs-node's addon against TensorFlow ${library.version} failed (node-gyp in ${packageDir}):\n${outputTail(result)}`);
  const addon = join(packageDir, ADDON_PATH);
  await mkdir(join(addon, '..'), { recursive: true });
  await copyInto(join(packageDir, 'build', 'Release', `${STDERR_CAPTURE_TARGET}.node`), join(packageDir, STDERR_CAPTURE_PATH));
  await copyInto(join(packageDir, 'build', ADDON_PATH), addon);
  return addon;
}

/** Copies by way of a temporary name, so that `to` is never half written. */
async function copyInto(from: string, to: string): Promise<void> {
  const temporary = `${to}.tmp-${process.pid}`;
  await copyFile(from, temporary);
  await rename(temporary, to);
}
