/** `mlpx serve model.onnx`: the demo page and the model on localhost. */
import { Command } from 'commander';
import { startDemoServer } from '../serve/demo-server.js';
import { positiveInteger } from '../option-parsers.js';

export function serveCommand(): Command {
  return new Command('serve')
    .argument('[model]', 'the .onnx model written by mlpx export', 'model.onnx')
    .option('--port <n>', 'port', positiveInteger, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (model: string, flags: { port: number; host: string }) => {
      const server = await startDemoServer({ model, port: flags.port, host: flags.host });
      process.stdout.write(`serving ${model} and the demo page at ${server.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
