/**
 * `mlpx doctor`: what this machine can run. Training backends (native TensorFlow, WebGPU with the
 * adapter Dawn finds, wasm, cpu) and inference execution providers (CPU, CUDA with the reason it
 * cannot run, WebGPU through the same Vulkan driver), one line each.
 */
import { availableParallelism, cpus } from 'node:os';
import { Command } from 'commander';
import { describeError } from '@mlpx/core';
import { describeCudaInstall, diagnoseCuda } from '@mlpx/infer/tooling';
import { NoBackendError, selectBackend } from '@mlpx/train';
import {
  describeAdapter,
  describeCudaWheels,
  findCudaWheels,
  listTensorflowDevices,
  probeWebgpuAdapterInChild,
  readTensorflowInstall,
  tensorflowRoot,
} from '@mlpx/train/tooling';

async function line(label: string, check: () => Promise<string>): Promise<string> {
  try {
    return `  ${label.padEnd(12)} ${await check()}`;
  } catch (error) {
    const reason = error instanceof NoBackendError ? error.skipped.map((s) => s.reason).join('; ') : describeError(error).split('\n').join(' ');
    return `  ${label.padEnd(12)} unavailable: ${reason}`;
  }
}

/** The engine and where it lives; for mlpx's own install, the devices TensorFlow sees by name. */
async function tensorflowLine(): Promise<string> {
  const description = (await selectBackend('tensorflow')).description;
  const install = await readTensorflowInstall();
  if (!install) return description;
  const indent = ' '.repeat(15);
  const lines = [
    description,
    `${indent}in ${install.libraryDir}`,
    `${indent}(set up in ${tensorflowRoot()}, ${install.builtAt})`,
    `${indent}devices: ${await listTensorflowDevices(install)}`,
  ];
  if (install.gpu) lines.push(`${indent}${describeCudaWheels(await findCudaWheels(install.libraryDir))}`);
  return lines.join('\n');
}

export function doctorCommand(): Command {
  return new Command('doctor').action(async () => {
    // Probed once, in a child process: Dawn's own warnings stay out of the report.
    const adapter = probeWebgpuAdapterInChild();
    adapter.catch(() => {});
    const lines = [
      `mlpx on Node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'})`,
      'training backends (mlpx train --backend):',
      await line('tensorflow', tensorflowLine),
      await line('webgpu', async () => {
        const found = await adapter;
        return `${describeAdapter(found)}${found.software ? '; --backend auto stays on wasm' : '; --backend auto uses it'}`;
      }),
      await line('wasm', async () => (await selectBackend('wasm')).description),
      await line('cpu', async () => (await selectBackend('cpu')).description),
      'inference execution providers (mlpx infer --ep):',
      '  cpu          available',
      [`  cuda         ${diagnoseCuda()}`, ...describeCudaInstall().map((text) => `${' '.repeat(15)}${text}`)].join('\n'),
      await line('webgpu', async () => `uses the same Vulkan driver: ${describeAdapter(await adapter)}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
