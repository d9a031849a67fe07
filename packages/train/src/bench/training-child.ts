/**
 * `node training-child.js '<TrainingChildRequest as JSON>'`: loads the backend, measures mlpx's
 * training throughput of one model (measureTrainingThroughput) and prints the result and this
 * process's peak RSS as one JSON line. Run by measureTrainingThroughputInChild; not imported.
 */
import { readFileSync } from 'node:fs';
import { describeError } from '@mlpx/core';
import { selectBackend } from '../backends/select-backend.js';
import type { IsolatedTrainingThroughput, TrainingChildRequest } from './isolated-training-throughput.js';
import { measureTrainingThroughput } from './training-throughput.js';

/**
 * This process's peak resident memory in MiB. On Linux from VmHWM (/proc/self/status), which
 * starts afresh at exec: getrusage's maxrss does not, so a child spawned by a large bench process
 * would report at least the parent's size at the fork.
 */
function peakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function main(argument: string | undefined): Promise<void> {
  if (argument === undefined) throw new Error('usage: node training-child.js <request as JSON>');
  const request = JSON.parse(argument) as TrainingChildRequest;
  await selectBackend(request.backend);
  const throughput = await measureTrainingThroughput(request.options);
  const result: IsolatedTrainingThroughput = { ...throughput, peakRssMiB: peakRssMiB() };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

try {
  await main(process.argv[2]);
} catch (error) {
  process.stderr.write(`${describeError(error)}\n`);
  process.exitCode = 1;
}
