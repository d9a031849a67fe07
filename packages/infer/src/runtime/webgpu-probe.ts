/**
 * Whether onnxruntime-node's WebGPU provider opens the model here, asked in a child process
 * first. The provider's Dawn writes its own warnings straight to file descriptor 2 when it finds
 * no Vulkan driver ("Warning: vkCreateInstance: Found no drivers!", or "Warning: Couldn't load
 * Vulkan: libvulkan.so.1: ...", each followed by a line naming Dawn's C++ source), which no
 * JavaScript in the same process can hold back. In a child they stay in the child's stderr: the
 * session in this process is only opened once the child's opened, and where the child's failed,
 * its reason (with Dawn's first warning) is what the user reads.
 *
 * The child gets the model's bytes on stdin and answers one JSON line, { ok } or { error }.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** The child: CommonJS for `node -e`, given onnxruntime-node's entry file as its argument. */
const CHILD = `
const ort = require(process.argv[1]);
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  let report;
  try {
    const session = await ort.InferenceSession.create(Buffer.concat(chunks), { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 4 });
    await session.release();
    report = { ok: true };
  } catch (error) {
    report = { error: String(error && error.message ? error.message : error).split('\\n')[0].trim() };
  }
  // Dawn's instance can keep the event loop alive.
  process.stdout.write(JSON.stringify(report) + '\\n', () => process.exit(0));
});
`;

/** Long enough for a real GPU's first session; a probe past it is reported, not waited on. */
const TIMEOUT_MS = 120_000;

export interface WebgpuProbe {
  /** ONNX Runtime's first line when the session did not open; undefined when it did. */
  readonly error?: string;
  /** Dawn's first warning in the child ("vkCreateInstance: Found no drivers!"), if it wrote one. */
  readonly dawn?: string;
}

export function probeWebgpuSession(model: Uint8Array): Promise<WebgpuProbe> {
  const onnxruntime = createRequire(import.meta.url).resolve('onnxruntime-node');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD, onnxruntime], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.stdin.on('error', () => {}); // a child that died early: its exit says why
    child.stdin.end(model);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: `cannot start the WebGPU probe (a child process): ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const dawn = /^Warning: (.+)$/m.exec(stderr)?.[1]?.trim();
      const withDawn = (report: WebgpuProbe): WebgpuProbe => (dawn ? { ...report, dawn } : report);
      let report: { ok?: boolean; error?: string } | undefined;
      try {
        report = JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? '') as typeof report;
      } catch {
        report = undefined;
      }
      if (report?.ok) resolve(withDawn({}));
      else if (report?.error) resolve(withDawn({ error: report.error }));
      else {
        const ended = timedOut ? `gave no answer in ${TIMEOUT_MS / 1000} s` : `ended with ${signal ?? `exit code ${code}`}`;
        resolve(withDawn({ error: `the WebGPU probe (a child process) ${ended}` }));
      }
    });
  });
}
