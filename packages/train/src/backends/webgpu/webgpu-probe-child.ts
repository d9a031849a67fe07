/**
 * Run as a child process by probeWebgpuAdapterInChild (webgpu-adapter.ts): asks Dawn for an
 * adapter and prints one JSON line, { adapter } or { error }. Dawn writes its own warnings to
 * the process's stderr (on a machine without a Vulkan driver: "vkCreateInstance: Found no
 * drivers!" and a line naming Dawn's C++ source); in a child they stay out of the caller's output.
 */
import { describeError } from '@mlpx/core';
import { probeWebgpuAdapter } from './webgpu-adapter.js';

try {
  const adapter = await probeWebgpuAdapter();
  process.stdout.write(`${JSON.stringify({ adapter })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: describeError(error).split('\n')[0] })}\n`);
}
// Dawn's instance can keep the event loop alive.
process.exit(0);
