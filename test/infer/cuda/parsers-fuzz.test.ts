/**
 * Property-based tests (fast-check) of what `mlpx setup cuda` parses: install.json, a wheel's
 * METADATA and its requirements and markers, version specifiers, and ELF dynamic sections. Bad
 * input gets one MlpxError, never another exception or a hang.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCudaInstall } from '@mlpx/infer/src/cuda/cuda-install.js';
import { readElfDynamic } from '@mlpx/infer/src/cuda/elf-dynamic.js';
import { parseVersion, satisfies } from 'mlpx/src/setup/cuda/pep440.js';
import { activeRequirements, markerHolds, parseMetadata } from 'mlpx/src/setup/cuda/requirements.js';
import { MlpxError } from '@mlpx/core/src/errors.js';
import { tempDir } from '../../helpers/dataset-fixtures.js';
import { hasCompiler } from '../../helpers/fake-pypi.js';

const RUNS = 200;

function acceptsOrExplains(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(MlpxError);
    expect((error as Error).message).not.toContain('\n');
  }
}

let work: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  work = await tempDir();
});
afterAll(async () => {
  await work.remove();
});

describe('setup cuda parsers meet bad input with one clear error', () => {
  it('install.json', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((value) => JSON.stringify({ source: 'pypi', provider: value })),
        ),
        (text) => acceptsOrExplains(() => parseCudaInstall(text, 'install.json')),
      ),
      { numRuns: RUNS },
    );
  });

  it('METADATA, requirements and markers', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'Name: x',
        'Version: 1',
        'Provides-Extra: cuda',
        'Requires-Dist: a',
        'Requires-Dist: b~=1.0; extra == "cuda"',
        'Requires-Dist: c; (os_name == "posix" or',
        'Requires-Dist: d; extra in',
        'Requires-Dist: [x]',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) =>
        acceptsOrExplains(() => activeRequirements(parseMetadata(lines.join('\n'), 'METADATA'), ['cuda'])),
      ),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string(), (marker) => acceptsOrExplains(() => markerHolds(marker, 'cuda'))),
      { numRuns: RUNS },
    );
  });

  it('versions and specifiers', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (version, specifier) => {
        const parsed = parseVersion(version);
        if (parsed) acceptsOrExplains(() => satisfies(parsed, specifier));
      }),
      { numRuns: RUNS },
    );
  });

  it.skipIf(!hasCompiler())('ELF libraries: random bytes, truncations and byte flips of a real one', () => {
    const source = join(work.path, 'x.c');
    writeFileSync(source, 'int x(void) { return 1; }\n');
    const library = join(work.path, 'libx.so.1');
    execFileSync('cc', ['-shared', '-fPIC', '-o', library, '-Wl,-soname,libx.so.1', source]);
    const bytes = readFileSync(library);
    expect(readElfDynamic(library).soname).toBe('libx.so.1');
    const path = join(work.path, 'fuzzed.so');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((random) => Buffer.from(random)),
          fc.nat(bytes.length).map((end) => bytes.subarray(0, end)),
          fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
            const copy = Buffer.from(bytes);
            for (const [at, value] of flips) copy[at] = value;
            return copy;
          }),
        ),
        (content) => {
          writeFileSync(path, content);
          acceptsOrExplains(() => readElfDynamic(path));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
