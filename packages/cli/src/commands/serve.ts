/**
 * `mlpx serve [MODEL_OR_REPOSITORY]`: an .onnx file or a Triton model repository served over the
 * Open Inference Protocol (KServe v2 REST, with Triton's binary tensor data, classification,
 * model configuration and statistics extensions) on onnxruntime-node, with dynamic batching,
 * Prometheus metrics at /metrics, and @mlpx/web's demo page at / (the model at /model.onnx).
 * SIGINT or SIGTERM stops it gracefully: requests in flight are answered, then it exits 0.
 */
import { Command, InvalidArgumentError } from 'commander';
import { describeError } from '@mlpx/core';
import { startInferenceServer, type ExecutionProvider, type InferenceServer, type ServedModelSummary } from '@mlpx/infer';
import { demoFolders, demoRequestHandler, type DemoRequestHandler } from '../serve/demo-server.js';
import { executionProviderOption } from './execution-provider-option.js';
import { nonNegativeInteger, positiveInteger } from '../option-parsers.js';
import { info } from '../progress/terminal.js';

interface ServeFlags {
  readonly ep: ExecutionProvider[];
  readonly port: number;
  readonly host: string;
  readonly maxBatchSize: number;
  readonly maxQueueDelayUs: number;
  readonly maxBodyBytes: number;
  readonly modelName?: string;
}

function port(value: string): number {
  const n = nonNegativeInteger(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port).');
  return n;
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3 };

/** A byte count: 1048576, 64MiB, 10MB. */
function byteCount(value: string): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const n = match && unit !== undefined ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a byte count such as 67108864 or 64MiB.');
  return n;
}

function versionsText(model: ServedModelSummary): string {
  return `${model.versions.length === 1 ? 'version' : 'versions'} ${model.versions.join(', ')}`;
}

/** What is served, for the first line: `model "fashion" (version 1)`, or the models of a repository. */
function servedText(server: InferenceServer, path: string): string {
  const models = server.models.map((m) => `"${m.name}" (${versionsText(m)})`);
  if (server.kind === 'file') return `model ${models[0]}`;
  const list = models.length === 1 ? models[0] : `${models.slice(0, -1).join(', ')} and ${models.at(-1)}`;
  return `${models.length === 1 ? 'model' : 'models'} ${list} of the repository ${path}`;
}

function batchingText(flags: ServeFlags, kind: 'file' | 'repository'): string {
  const where = kind === 'repository' ? ' where config.pbtxt does not say otherwise' : '';
  return `batching: up to ${flags.maxBatchSize} images per run, the oldest request waiting at most ${flags.maxQueueDelayUs} µs for others${where}`;
}

export function serveCommand(): Command {
  return new Command('serve')
    .argument('[model-or-repository]', 'an .onnx model written by mlpx export, or a model repository folder (mlpx export --triton)', 'model.onnx')
    .addOption(executionProviderOption())
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--max-batch-size <n>', 'the most images one run gathers, and one request may send', positiveInteger, 32)
    .option('--max-queue-delay-us <n>', 'how long the oldest queued request waits for others to join its batch, in microseconds', nonNegativeInteger, 500)
    .option('--max-body-bytes <n>', 'the largest request body accepted (e.g. 67108864 or 64MiB)', byteCount, 64 * 1024 * 1024)
    .option('--model-name <name>', "the model's name in the protocol's paths, for an .onnx file (default: the file name without .onnx)")
    .action(async (model: string, flags: ServeFlags) => {
      let demo: DemoRequestHandler | undefined;
      let demoProblem: string | undefined;
      let demoModel = '';
      try {
        demo = demoRequestHandler(await demoFolders(), () => demoModel);
      } catch (error) {
        demoProblem = describeError(error);
      }
      const server = await startInferenceServer({
        model,
        modelName: flags.modelName,
        executionProviders: flags.ep,
        host: flags.host,
        port: flags.port,
        maxBatchSize: flags.maxBatchSize,
        maxQueueDelayMicroseconds: flags.maxQueueDelayUs,
        maxBodyBytes: flags.maxBodyBytes,
        fallback: demo,
      });
      demoModel = server.defaultModelFile;
      const page = demo ? ', the demo page at /' : '';
      process.stdout.write(
        `serving ${servedText(server, model)} at ${server.url} : Open Inference Protocol under /v2, metrics at /metrics${page} (Ctrl-C to stop)\n`,
      );
      for (const skipped of server.skipped) info(`${skipped.name} unavailable: ${skipped.reason}`);
      info(`execution provider: ${server.executionProvider}${server.skipped.length ? ' (fallback)' : ''}; ${batchingText(flags, server.kind)}`);
      if (demoProblem) info(`the demo page is not served: ${demoProblem}`);

      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      // A second signal stops at once.
      const now = (again: NodeJS.Signals): void => {
        info(`${again} again: stopping now, without answering the requests still in flight`);
        process.exit(again === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', now);
      process.once('SIGTERM', now);
      const report = await server.close();
      const refused = report.refused ? `, refused ${report.refused} that came during shutdown (503)` : '';
      const answered =
        report.answered === 0 ? 'no request was in flight' : `answered the ${report.answered === 1 ? 'request' : `${report.answered} requests`} in flight`;
      process.stdout.write(`stopped on ${signal}: ${answered}${refused}, closed the sessions\n`);
      process.off('SIGINT', now);
      process.off('SIGTERM', now);
    });
}
