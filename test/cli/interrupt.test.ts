/**
 * Never lose a run: Ctrl-C writes a checkpoint and exits 130; SIGKILL at random moments (checkpoint
 * writes included) always leaves a run folder that loads and resumes; a diverging run stops with
 * the epoch and step and keeps its last good checkpoint.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_JSON, readCheckpoint } from '@mlpx/train/src/checkpoint/checkpoint-files.js';
import { tempDir } from '../helpers/dataset-fixtures.js';
import { REPO_ROOT, runCli, STACK_LINE } from '../helpers/run-cli.js';

const TINY = [
  '--model',
  'mixer',
  '--dataset',
  'fashion-mnist-sample',
  '--image-size',
  '28',
  '--patch-size',
  '7',
  '--embedding-dim',
  '16',
  '--blocks',
  '1',
  '--batch-size',
  '32',
];
const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'mlpx.js');

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

/** Starts `mlpx train`; resolves `exited` with the exit code or signal. */
function startTraining(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'train', ...args], { cwd: work.path, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('interrupting training', () => {
  it('Ctrl-C finishes the step, writes a checkpoint, says how to resume and exits 130; the run then resumes', async () => {
    const folder = join(work.path, 'sigint');
    const run = startTraining([...TINY, '--limit', '640', '--epochs', '6', '--out', folder]);
    await waitFor(() => /epoch 1\/6 /.test(run.stderr()), 60_000);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toMatch(/SIGINT: finishing this step and writing a checkpoint/);
    expect(run.stderr()).toMatch(new RegExp(`Resume with: mlpx train --resume ${folder}`));
    expect(run.stderr()).not.toMatch(STACK_LINE);
    const checkpoint = await readCheckpoint(folder);
    expect(checkpoint.state.epochsDone + (checkpoint.state.inProgress ? 1 : 0)).toBeGreaterThanOrEqual(1);
    const refused = await runCli(['train', '--resume', folder, '--epochs', '3'], { cwd: work.path });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--resume continues with the run's own settings \(--threads aside\); drop --epochs/);
    // Threads may change on resume (they do not change what is computed).
    const resumed = await runCli(['train', '--resume', folder, '--threads', '1'], { cwd: work.path });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/training on \d+ threads/);
    expect(resumed.stderr).toMatch(/resuming .*sigint at epoch \d+ of 6(, step \d+ of 18)?\n/);
    expect(resumed.stderr).toMatch(/epoch 6\/6 /);
    expect(resumed.stdout).toMatch(/run folder: .*sigint/);
  }, 120_000);

  it('SIGKILL at random moments, several times: the run folder always loads, resumes, and finishes', async () => {
    const random = seedrandom.alea('kill');
    const folder = join(work.path, 'sigkill');
    const epochs = 40;
    const args = [...TINY, '--limit', '400', '--epochs', String(epochs), '--out', folder];
    let reached = 0;
    for (let kill = 0; kill < 4; kill++) {
      const resuming = existsSync(join(folder, CHECKPOINT_JSON));
      const run = startTraining(resuming ? ['--resume', folder] : args);
      // Kill a few epochs further on, at a random instant within an epoch (checkpoint writes included).
      const target = reached + 2 + Math.floor(random() * 4);
      await waitFor(() => new RegExp(`epoch ${target}/${epochs} `).test(run.stderr()), 60_000);
      await new Promise((r) => setTimeout(r, random() * 150));
      run.child.kill('SIGKILL');
      expect((await run.exited).signal).toBe('SIGKILL');
      reached = target;
      // The folder loads: checkpoint.json names a complete binary, never a torn one.
      const checkpoint = await readCheckpoint(folder);
      expect(checkpoint.state.epochsDone).toBeGreaterThanOrEqual(target - 1);
    }
    const finished = await runCli(['train', '--resume', folder], { cwd: work.path });
    expect(finished.code, finished.stderr).toBe(0);
    expect(existsSync(join(folder, 'metrics.json'))).toBe(true);
    const leftovers = (await readdir(folder)).filter((f) => (f.endsWith('.bin') && f.startsWith('checkpoint')) || f.startsWith('.'));
    expect(leftovers).toHaveLength(1);
  }, 300_000);
});

describe('divergence', () => {
  it('a huge learning rate stops training with the epoch and step', async () => {
    const result = await runCli(['train', ...TINY, '--limit', '200', '--epochs', '2', '--lr', '1e30', '--out', join(work.path, 'nan-fresh')], {
      cwd: work.path,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/training diverged: the loss became (NaN|Infinity) at epoch 1, step \d+; try a lower --lr/);
    expect(result.stderr).not.toMatch(STACK_LINE);
  }, 60_000);

  it('keeps the last good checkpoint when a resumed run diverges', async () => {
    const folder = join(work.path, 'nan');
    const first = startTraining([...TINY, '--limit', '320', '--epochs', '20', '--out', folder]);
    await waitFor(() => /epoch 2\/20 /.test(first.stderr()), 60_000);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(143);
    const good = await readFile(join(folder, CHECKPOINT_JSON), 'utf8');
    // Force divergence from here on: the optimizer's learning rate in the checkpoint becomes huge.
    const json = JSON.parse(good) as { state: { optimizer: { learningRate: number } } };
    json.state.optimizer.learningRate = 1e30;
    await writeFile(join(folder, CHECKPOINT_JSON), JSON.stringify(json));
    const before = await readCheckpoint(folder);
    const result = await runCli(['train', '--resume', folder], { cwd: work.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/training diverged: the loss became (NaN|Infinity) at epoch \d+, step \d+.*The last good checkpoint is in/s);
    const after = await readCheckpoint(folder);
    expect(after.state.epochsDone).toBe(before.state.epochsDone);
    expect([...after.weights.keys()]).toEqual([...before.weights.keys()]);
    expect(Array.from(after.weights.values())[0]!.values).toEqual(Array.from(before.weights.values())[0]!.values);
  }, 120_000);
});
