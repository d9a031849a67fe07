/**
 * The messages a new user meets, as the built CLI prints them: each is one `mlpx: error:` line (or
 * one line among the output) that names the file or flag and says what to do, with no stack trace
 * and nothing printed by a native library.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/** stderr's lines, without the empty last one. */
function lines(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1);
}

describe("commander's flag errors", () => {
  const cases: { args: string[]; line: string }[] = [
    { args: ['infer', '--bogus'], line: "mlpx: error: unknown option '--bogus' (see `mlpx infer --help`)" },
    { args: ['infer', '--mdoel', 'x.onnx'], line: "mlpx: error: unknown option '--mdoel'; did you mean --model? (see `mlpx infer --help`)" },
    { args: ['trian'], line: "mlpx: error: unknown command 'trian'; did you mean train? (see `mlpx --help`)" },
    { args: ['train', '--epochs', 'abc'], line: "mlpx: error: option '--epochs <n>' argument 'abc' is invalid: expected a positive integer (see `mlpx train --help`)" },
    { args: ['train', '--model', 'resnet'], line: "mlpx: error: option '-m, --model <name>' argument 'resnet' is invalid: allowed choices are mixer, fnet, gmlp (see `mlpx train --help`)" },
    { args: ['infer', '--model', 'x.onnx'], line: "mlpx: error: missing required argument 'paths' (see `mlpx infer --help`)" },
    { args: ['setup', 'cuda', '--bogus'], line: "mlpx: error: unknown option '--bogus' (see `mlpx setup cuda --help`)" },
  ];
  for (const c of cases) {
    it(`mlpx ${c.args.join(' ')}: one line with mlpx's prefix`, async () => {
      const result = await runCli(c.args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toEqual([c.line]);
    });
  }
});
