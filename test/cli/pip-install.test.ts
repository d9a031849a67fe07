/**
 * `mlpx setup tensorflow`'s pip step: pip's whole output goes to a log file and the step's line
 * shows what pip is doing in a few words; a failed install names the log and shows its last
 * lines. pip is a stand-in here (a venv whose python prints what pip prints), so that what is
 * written where can be compared exactly.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipProgress } from 'mlpx/src/setup/tensorflow/pip-progress.js';
import { pipInstall } from 'mlpx/src/setup/tensorflow/python-environment.js';
import { tempDir } from '../helpers/dataset-fixtures.js';

const PIP_OUTPUT = [
  'Collecting tensorflow-cpu==2.21.0',
  '  Downloading tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl (273.8 MB)',
  '     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 273.8/273.8 MB 72.9 MB/s eta 0:00:00',
  'Collecting absl-py>=1.0.0 (from tensorflow-cpu==2.21.0)',
  '  Downloading absl_py-2.5.1-py3-none-any.whl (137 kB)',
  'Collecting numpy>=1.26.0 (from tensorflow-cpu==2.21.0)',
  'Installing collected packages: numpy, absl-py, tensorflow-cpu',
  'Successfully installed absl-py-2.5.1 numpy-2.3.5 tensorflow-cpu-2.21.0',
].join('\n');

/** A venv whose python prints `output` and exits with `code`, as pip would. */
async function fakeVenv(root: string, output: string, code: number): Promise<string> {
  const venv = join(root, 'venv');
  await mkdir(join(venv, 'bin'), { recursive: true });
  await writeFile(join(root, 'pip-output.txt'), `${output}\n`);
  const python = join(venv, 'bin', 'python');
  await writeFile(python, `#!/bin/sh\ncat '${join(root, 'pip-output.txt')}'\nexit ${code}\n`);
  await chmod(python, 0o755);
  return venv;
}

describe('pipInstall', () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    work = await tempDir();
  });
  afterAll(() => work.remove());

  it("writes pip's whole output to the log and reports what it is doing", async () => {
    const root = join(work.path, 'ok');
    const venv = await fakeVenv(root, PIP_OUTPUT, 0);
    const statuses: string[] = [];
    await pipInstall(venv, 'tensorflow-cpu==2.21.0', { log: join(root, 'pip.log'), status: (s) => statuses.push(s) });
    expect(await readFile(join(root, 'pip.log'), 'utf8')).toBe(`${PIP_OUTPUT}\n`);
    expect(statuses).toEqual([
      'collecting tensorflow-cpu==2.21.0 (1 package)',
      'collecting absl-py>=1.0.0 (2 packages)',
      'collecting numpy>=1.26.0 (3 packages)',
      'installing 3 packages',
    ]);
  });

  it('names the log and shows its last lines when pip fails', async () => {
    const root = join(work.path, 'failed');
    const venv = await fakeVenv(root, 'Collecting tensorflow-cpu==2.21.0\nERROR: HTTP error 503 while getting https://pypi.org/simple/tensorflow-cpu/', 1);
    const log = join(root, 'pip.log');
    await expect(pipInstall(venv, 'tensorflow-cpu==2.21.0', { log })).rejects.toThrow(
      new RegExp(
        `^pip install tensorflow-cpu==2\\.21\\.0 failed \\(its whole output: ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\):\\n.*ERROR: HTTP error 503`,
        's',
      ),
    );
    expect(await readFile(log, 'utf8')).toContain('ERROR: HTTP error 503');
  });
});

describe('PipProgress', () => {
  it('reads lines split across chunks, and carriage returns of progress bars', () => {
    const statuses: string[] = [];
    const progress = new PipProgress((s) => statuses.push(s));
    for (const chunk of ['Colle', 'cting six\r\n  Downloading six.whl\r  ━━━ 1/1\rCollecting si', 'x2\nInstalling collected packages: six, six2\n'])
      progress.read(chunk);
    expect(statuses).toEqual(['collecting six (1 package)', 'collecting six2 (2 packages)', 'installing 2 packages']);
  });
});
