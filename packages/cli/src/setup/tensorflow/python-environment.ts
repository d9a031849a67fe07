/**
 * The private Python environment TensorFlow is pip-installed into: a venv under the engine's
 * folder, so the user's own Pythons are never touched. Python is only TensorFlow's installer
 * here; mlpx never imports TensorFlow from Python to train.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { MlpxError } from '@mlpx/core';
import { outputTail, runCommand } from '@mlpx/train/tooling';
import { PipProgress } from './pip-progress.js';

export interface PythonInfo {
  readonly path: string;
  /** 'major.minor'. */
  readonly version: string;
}

/** TensorFlow's pip distributions, the CPU-only one first: which one a Python has installed. */
const TENSORFLOW_DISTRIBUTIONS = ['tensorflow-cpu', 'tensorflow', 'tensorflow-intel', 'tf-nightly-cpu', 'tf-nightly'] as const;

export function venvPython(venv: string): string {
  return join(venv, 'bin', 'python');
}

/** The Python named by --python, else python3 (then python) on PATH. */
export async function findPython(explicit?: string): Promise<PythonInfo> {
  const candidates = explicit ? [explicit] : ['python3', 'python'];
  for (const candidate of candidates) {
    const result = await runCommand(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    if (result.code === 0) {
      const version = result.stdout.trim();
      if (!/^3\.\d+$/.test(version)) throw new MlpxError(`${candidate} is Python ${version}; TensorFlow needs Python 3`);
      return { path: candidate, version };
    }
    if (explicit) throw new MlpxError(`--python ${explicit} did not run${result.startError ? ` (${result.startError.code})` : `:\n${outputTail(result)}`}`);
  }
  throw new MlpxError(
    'mlpx setup tensorflow installs TensorFlow from PyPI with Python and found none (tried python3, python); ' +
      'install Python 3 (Debian/Ubuntu: sudo apt-get install python3 python3-venv), name one with --python PATH, or use an existing TensorFlow with --from DIR',
  );
}

export async function createVenv(python: PythonInfo, venv: string): Promise<void> {
  const result = await runCommand(python.path, ['-m', 'venv', venv]);
  if (result.code !== 0) {
    throw new MlpxError(
      `${python.path} -m venv ${venv} failed (Python ${python.version} without its venv module or pip?):\n${outputTail(result)}\n` +
        `  Fix: install them (Debian/Ubuntu: sudo apt-get install python${python.version}-venv python3-pip), or name another Python with --python`,
    );
  }
}

/** Where pip's output goes, and who hears what it is doing. */
export interface PipOutput {
  /** The log file that gets pip's whole output (created or appended to). */
  readonly log: string;
  /** Each new status of the install ("collecting absl-py (12 packages)"). */
  readonly status?: (status: string) => void;
}

/** pip-installs one requirement into the venv: pip's output to the log, its progress as statuses. */
export async function pipInstall(venv: string, requirement: string, output: PipOutput): Promise<void> {
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', requirement];
  const log = createWriteStream(output.log, { flags: 'a' });
  const progress = new PipProgress(output.status ?? (() => {}));
  const result = await runCommand(venvPython(venv), args, {
    echo: (text) => {
      log.write(text);
      progress.read(text);
    },
  });
  await new Promise<void>((resolve) => log.end(resolve));
  if (result.code === 0) return;
  if (/No matching distribution|Could not find a version/.test(`${result.stdout}\n${result.stderr}`)) {
    const python = (await findPython(venvPython(venv))).version;
    throw new MlpxError(
      `PyPI has no ${requirement} for Python ${python} on ${process.platform}/${process.arch} (pip: "No matching distribution"); ` +
        'choose another version with --tensorflow, or another Python with --python',
    );
  }
  throw new MlpxError(`pip install ${requirement} failed (its whole output: ${output.log}):\n${outputTail(result)}`);
}

export interface InstalledTensorflow {
  /** The `tensorflow` package folder (holding libtensorflow_cc.so.2 and include/). */
  readonly dir: string;
  /** The pip distribution that provides it. */
  readonly distribution: string;
}

/** Where a Python's TensorFlow is and which distribution provides it, without importing it. */
export async function locateTensorflow(python: string): Promise<InstalledTensorflow | undefined> {
  const script = [
    'import importlib.util, importlib.metadata, json',
    "spec = importlib.util.find_spec('tensorflow')",
    'dist = None',
    `for name in ${JSON.stringify(TENSORFLOW_DISTRIBUTIONS)}:`,
    '    try:',
    '        importlib.metadata.version(name); dist = name; break',
    '    except importlib.metadata.PackageNotFoundError:',
    '        pass',
    'print(json.dumps({"dir": list(spec.submodule_search_locations)[0] if spec and spec.submodule_search_locations else None, "distribution": dist}))',
  ].join('\n');
  const result = await runCommand(python, ['-c', script]);
  if (result.code !== 0) throw new MlpxError(`${python} could not say where its TensorFlow is:\n${outputTail(result)}`);
  const found = JSON.parse(result.stdout.trim().split('\n').pop()!) as { dir: string | null; distribution: string | null };
  return found.dir ? { dir: found.dir, distribution: found.distribution ?? 'unknown' } : undefined;
}
