// Loaded with `node --import` in a child process: appends the URL of every module the process
// resolves through ESM (one per line) to the file $MLPX_RECORD_MODULE_LOADS, so a test can assert
// what a command did and did not load.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(process.env.MLPX_RECORD_MODULE_LOADS, resolved.url + '\\n');
  return resolved;
}
`),
);
