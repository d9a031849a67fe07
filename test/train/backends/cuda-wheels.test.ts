/**
 * Which of PyPI's CUDA wheels a CUDA build of TensorFlow will find, read from its libraries'
 * RUNPATH: checked on two small libraries built here with that RUNPATH, one wheel present.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCudaWheels, findCudaWheels } from '@mlpx/train/src/backends/tensorflow/cuda-wheels.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';

let work: Awaited<ReturnType<typeof tempDir>>;
let tensorflowDir: string;
beforeAll(async () => {
  work = await tempDir();
  tensorflowDir = join(work.path, 'site-packages', 'tensorflow');
  await mkdir(tensorflowDir, { recursive: true });
  const source = join(work.path, 'empty.c');
  await writeFile(source, 'int mlpx_probe(void) { return 1; }\n');
  // As TensorFlow's wheels have it: each library names its own nvidia/<wheel>/lib folders.
  const runpaths = {
    'libtensorflow_framework.so.2': '$ORIGIN/../nvidia/cublas/lib:$ORIGIN/../../nvidia/cublas/lib:$ORIGIN/../nvidia/cudnn/lib',
    'libtensorflow_cc.so.2': '$ORIGIN/:$ORIGIN/../nvidia/cusolver/lib',
  };
  for (const [name, runpath] of Object.entries(runpaths)) {
    execFileSync('cc', ['-shared', '-fPIC', '-o', join(tensorflowDir, name), source, `-Wl,-rpath,${runpath}`, '-Wl,--enable-new-dtags']);
  }
  await mkdir(join(work.path, 'site-packages', 'nvidia', 'cublas', 'lib'), { recursive: true });
  await mkdir(join(work.path, 'site-packages', 'nvidia', 'cusolver', 'lib'), { recursive: true });
});
afterAll(async () => {
  await work.remove();
});

describe('findCudaWheels', () => {
  it('finds the wheels whose folders exist beside the tensorflow package, and names the others', async () => {
    const wheels = await findCudaWheels(tensorflowDir);
    expect(wheels.folder).toBe(join(work.path, 'site-packages', 'nvidia'));
    expect(wheels.found).toEqual(['cublas', 'cusolver']);
    expect(wheels.missing).toEqual(['cudnn']);
    expect(describeCudaWheels(wheels)).toBe(`CUDA wheels in ${wheels.folder}: cublas, cusolver; not installed: cudnn`);
  });

  it('says when the libraries name no CUDA wheel (a CPU build)', () => {
    expect(describeCudaWheels({ folder: '/x/nvidia', found: [], missing: [] })).toBe('TensorFlow names no CUDA wheels (not a CUDA build)');
  });
});
