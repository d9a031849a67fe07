/**
 * process.dlopen as a plain dlopen: a library that is not a Node addon loads, then Node reports
 * "Module did not self-register"; with RTLD_NODELETE it stays loaded. Real failures keep dlopen's
 * own message. Run in child processes, so that nothing stays loaded in the test's.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/dataset-fixtures.js';
import { hasCompiler } from '../../helpers/fake-pypi.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

let work: Awaited<ReturnType<typeof tempDir>>;
const LOAD = join(REPO_ROOT, 'packages', 'infer', 'dist', 'cuda', 'load-library.js');

beforeAll(async () => {
  if (!hasCompiler()) return;
  work = await tempDir();
  await writeFile(join(work.path, 'a.c'), 'int a(void) { return 42; }\n');
  await writeFile(join(work.path, 'b.c'), 'extern int nowhere(void); int b(void) { return nowhere(); }\n');
  await writeFile(join(work.path, 'c.c'), 'int c(void) { return 1; }\n');
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(work.path, 'liba.so.1'), '-Wl,-soname,liba.so.1', join(work.path, 'a.c')]);
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(work.path, 'libb.so'), join(work.path, 'b.c')]);
  // libc.so.9 needs liba.so.1 by SONAME only: it loads once liba.so.1 is loaded globally.
  execFileSync('cc', ['-shared', '-fPIC', '-o', join(work.path, 'libc.so.9'), join(work.path, 'c.c'), '-Wl,--no-as-needed', `-L${work.path}`, '-l:liba.so.1']);
});
afterAll(async () => {
  await work?.remove();
});

function inChild(script: string): unknown {
  const code = `const { loadLibrary } = await import(${JSON.stringify(LOAD)}); const { readFileSync } = await import('node:fs'); const maps = () => readFileSync('/proc/self/maps', 'utf8'); ${script}`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

describe.skipIf(!hasCompiler())('loadLibrary', () => {
  it('loads a plain shared library and keeps it loaded; a dependent then resolves it by SONAME', () => {
    const dir = work.path;
    const result = inChild(`
      const before = loadLibrary(${JSON.stringify(join(dir, 'libc.so.9'))});
      const a = loadLibrary(${JSON.stringify(join(dir, 'liba.so.1'))});
      const mapped = maps().includes(${JSON.stringify(join(dir, 'liba.so.1'))});
      const after = loadLibrary(${JSON.stringify(join(dir, 'libc.so.9'))});
      console.log(JSON.stringify({ before, a, mapped, after }));`);
    expect(result).toEqual({
      before: { ok: false, message: expect.stringMatching(/liba\.so\.1: cannot open shared object file/) },
      a: { ok: true },
      mapped: true,
      after: { ok: true },
    });
  });
  it("reports a missing file and an undefined symbol with dlopen's message", () => {
    const dir = work.path;
    const result = inChild(
      `console.log(JSON.stringify([loadLibrary(${JSON.stringify(join(dir, 'nope.so'))}), loadLibrary(${JSON.stringify(join(dir, 'libb.so'))})]));`,
    ) as { ok: boolean; message: string }[];
    expect(result[0]).toEqual({ ok: false, message: expect.stringMatching(/nope\.so: cannot open shared object file/) });
    expect(result[1]).toEqual({ ok: false, message: expect.stringMatching(/undefined symbol: nowhere/) });
  });
});
