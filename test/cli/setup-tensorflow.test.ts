/**
 * `mlpx setup tensorflow` as a user runs it: each failure is one clear message naming the problem
 * and its fix; a second run finds the engine set up and does nothing; `--from` builds tfjs-node's
 * addon against an existing TensorFlow (the one CI's setup installed) into a fresh folder, checks
 * its C API symbols, loads it, and `mlpx doctor` shows it, without TensorFlow's start-up log lines.
 */
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAddonSymbols } from 'mlpx/src/setup/tensorflow/addon-symbols.js';
import { ADDON_PATH } from '@mlpx/train/src/backends/tensorflow/load-tensorflow.js';
import { readTensorflowInstall } from '@mlpx/train/src/backends/tensorflow/tensorflow-install.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { runCli, STACK_LINE } from '../helpers/run-cli.js';
import { describeWithTensorflow, TENSORFLOW_REQUIRED, tensorflowInstall } from '../helpers/tensorflow.js';

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

/** Runs `mlpx setup tensorflow ...` with its engine folder in `root` (never the user's own). */
function setup(args: string[], root: string, env: Record<string, string> = {}) {
  return runCli(['setup', 'tensorflow', ...args], { cwd: work.path, env: { MLPX_TENSORFLOW_DIR: root, ...env } });
}

describe('mlpx setup tensorflow: one clear error per problem, nothing left behind', () => {
  const cases: {
    name: string;
    args: (dir: string) => Promise<string[]> | string[];
    env?: (dir: string) => Promise<Record<string, string>>;
    message: RegExp;
  }[] = [
    { name: 'a --from folder that does not exist', args: (dir) => ['--from', join(dir, 'nowhere')], message: /--from .*nowhere: no such folder/ },
    {
      name: 'a --from folder without TensorFlow',
      args: async (dir) => {
        await mkdir(join(dir, 'empty'));
        return ['--from', join(dir, 'empty')];
      },
      message: /--from .*empty: no TensorFlow found there \(looked for libtensorflow_cc\.so\.2 and libtensorflow_framework\.so\.2/,
    },
    {
      name: '--from with --gpu',
      args: (dir) => ['--from', dir, '--gpu'],
      message: /--from uses the TensorFlow it names as it is: drop --gpu, --tensorflow and --python/,
    },
    { name: 'a version that is not one', args: () => ['--tensorflow', 'latest'], message: /--tensorflow latest: not a version/ },
    { name: 'a --python that does not run', args: (dir) => ['--python', join(dir, 'no-python3')], message: /--python .*no-python3 did not run \(ENOENT\)/ },
    {
      name: 'no C++ compiler',
      args: () => [],
      // PATH holds node alone: no c++, g++ or clang++ (and CXX unset).
      env: async (dir) => {
        const bin = join(dir, 'bin-node-only');
        await mkdir(bin, { recursive: true });
        if (!existsSync(join(bin, 'node'))) await symlink(process.execPath, join(bin, 'node'));
        return { PATH: bin, CXX: '' };
      },
      message: /found no C\+\+ compiler \(tried c\+\+, g\+\+, clang\+\+\); install one \(Debian\/Ubuntu: sudo apt-get install g\+\+ make/,
    },
  ];
  for (const { name, args, env, message } of cases) {
    it(name, async () => {
      const dir = join(work.path, name.replace(/\W+/g, '-'));
      await mkdir(dir, { recursive: true });
      const root = join(dir, 'engine');
      const result = await setup(await args(dir), root, env ? await env(dir) : {});
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(existsSync(join(root, 'install.json'))).toBe(false);
    });
  }

  it('a damaged install.json: training says which file and how to mend it', async () => {
    const root = join(work.path, 'damaged');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'install.json'), '{"tensorflowVersion": 2');
    const result = await runCli(['train', '--backend', 'tensorflow', '--dataset', 'fashion-mnist-sample', '--epochs', '1'], {
      cwd: work.path,
      env: { MLPX_TENSORFLOW_DIR: root },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--backend tensorflow could not be loaded: .*damaged.*install\.json is damaged \(not JSON/);
    expect(result.stderr).toMatch(/run `mlpx setup tensorflow --force`/);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });
});

describeWithTensorflow('mlpx setup tensorflow, with the engine set up', () => {
  it('is set up wherever tests are required to cover it', () => {
    if (TENSORFLOW_REQUIRED) expect(tensorflowInstall, 'MLPX_REQUIRE_TENSORFLOW=1 but `mlpx setup tensorflow` has not run').toBeDefined();
  });

  it('a second run with the same request says what is there and does nothing', async () => {
    const install = tensorflowInstall!;
    const args = install.from ? ['--from', install.from] : ['--tensorflow', install.tensorflowVersion, ...(install.gpu ? ['--gpu'] : [])];
    const started = performance.now();
    const result = await runCli(['setup', 'tensorflow', ...args]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`TensorFlow ${install.tensorflowVersion}`);
    expect(result.stdout).toMatch(/is already set up in .* \(built .*\); --force rebuilds it/);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(await readTensorflowInstall()).toEqual(install);
  });

  it('--from builds the addon against an existing TensorFlow, checks its symbols, loads it; doctor shows it', async () => {
    const install = tensorflowInstall!;
    const root = join(work.path, 'from-engine');
    const result = await setup(['--from', install.libraryDir], root);
    expect(result.code, result.stderr).toBe(0);
    for (const step of [
      '[1/5] Checking the build tools',
      '[2/5] Fetching @tensorflow/tfjs-node',
      '[3/5] Compiling tfjs-node',
      '[4/5] Checking the addon',
      '[5/5] Recording the engine',
    ]) {
      expect(result.stderr).toContain(step);
    }
    expect(result.stderr).toMatch(/checked the \d+ TensorFlow C API symbols the addon calls; all defined/);
    expect(result.stdout).toContain(`TensorFlow ${install.tensorflowVersion} (from ${install.libraryDir}`);
    const built = (await readTensorflowInstall(root))!;
    expect(built).toMatchObject({ tensorflowVersion: install.tensorflowVersion, from: install.libraryDir, libraryDir: install.libraryDir });

    // The addon imports TensorFlow's C API, all of it defined by the two libraries it links...
    const addon = join(built.packageDir, ADDON_PATH);
    const libraries = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'].map((name) => join(install.libraryDir, name));
    const linked = await checkAddonSymbols(addon, libraries);
    expect(linked.needed.length).toBeGreaterThan(40);
    expect(linked.needed).toContain('TFE_Execute');
    expect(linked.missing).toEqual([]);
    // ...and the check names every one a library lacks (the addon itself defines none of them).
    const unlinked = await checkAddonSymbols(addon, [addon]);
    expect(unlinked.missing).toEqual(linked.needed);

    const again = await setup(['--from', install.libraryDir], root);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/is already set up/);

    const doctor = await runCli(['doctor'], { env: { MLPX_TENSORFLOW_DIR: root } });
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(
      new RegExp(`tensorflow +TensorFlow ${install.tensorflowVersion.replace(/\./g, '\\.')} \\(tensorflow.*, set up by mlpx\\) on the (CPU|GPU)`),
    );
    expect(doctor.stdout).toContain(`in ${install.libraryDir}`);
    expect(doctor.stdout).toMatch(/devices: not listed \(set up with --from a folder without its Python\)/);
    // TensorFlow's start-up log lines stay out of mlpx's output (stderr-capture-source.ts)...
    expect(doctor.stderr).not.toMatch(/absl::InitializeLog|oneDNN custom operations/);
    if (install.tensorflowVersion === '2.21.0' && !install.gpu) {
      // ...unless TF_CPP_MIN_LOG_LEVEL=0 asks for them (TensorFlow 2.21's CPU build prints this one).
      const verbose = await runCli(['doctor'], { env: { MLPX_TENSORFLOW_DIR: root, TF_CPP_MIN_LOG_LEVEL: '0' } });
      expect(verbose.stderr).toMatch(/oneDNN custom operations are on/);
    }
  }, 240_000);

  it('an engine built for another tfjs is refused with the command that rebuilds it', async () => {
    const root = join(work.path, 'other-tfjs');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'install.json'), JSON.stringify({ ...tensorflowInstall!, tfjsNodeVersion: '4.0.0' }));
    const result = await runCli(['doctor'], { env: { MLPX_TENSORFLOW_DIR: root } });
    expect(result.stdout).toMatch(
      /tensorflow +unavailable: the TensorFlow engine in .*other-tfjs was built with @tensorflow\/tfjs-node 4\.0\.0, and this mlpx uses tfjs 4\.22\.0; run `mlpx setup tensorflow --force`/,
    );
  }, 60_000);

  it('doctor lists the devices TensorFlow sees, by name', async () => {
    const doctor = await runCli(['doctor']);
    expect(doctor.code, doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/devices: CPU \([^)]+\)/);
  }, 60_000);
});
