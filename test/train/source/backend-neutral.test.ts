/**
 * The layout of per-backend code (docs/backends.md): the generic modules (layers, models,
 * training, the fit loop, runs, checkpoints, data) never ask which backend is active and import
 * no backend's own modules; they define their ops with defineOp and look a form up with
 * op.form(), the one place (backend-api/op-forms.ts) that reads the active backend, and ask what
 * a backend is through its traits (backend-api/backend-traits.ts). Each backend's forms live in
 * backends/<name>/ops/, named as the generic module that defines the op, and are registered in
 * backends/<name>/register.ts. The benchmarks and data-parallel training (bench/, parallel/) may
 * read the active backend's name, to report it or to start a worker thread on the same backend,
 * but never compare backend names: what differs by backend is a trait the backend declares.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, sourceFiles } from '../../helpers/import-graph.js';
import { REPO_ROOT } from '../../helpers/run-cli.js';

const SOURCE = join(REPO_ROOT, 'packages', 'train', 'src');
const GENERIC = ['layers', 'models', 'training', 'fit', 'run', 'checkpoint', 'data'];
/** The modules of backends/ that generic code may import: the registration and the choice of backend. */
const SHARED = new Set(['backends/register-forms.ts', 'backends/select-backend.ts']);
const BACKENDS = ['host', 'tensorflow', 'webgpu'];
/** Modules that measure or split the generic training step: they name the active backend but choose nothing by its name. */
const MEASURING = ['bench', 'parallel'];
/** A comparison with a backend's name, or a list or test of backend names. */
const BACKEND_NAME_COMPARISON =
  /getBackend\(\)\s*[!=]==|[!=]==\s*'(?:tensorflow|webgpu|wasm|cpu)'|'(?:tensorflow|webgpu|wasm|cpu)'\s*[!=]==|includes\(\s*(?:tf\.)?getBackend|onTensorflow|HOST_BACKENDS|TENSORFLOW_BACKEND/;

/** The source files this module imports, as paths from packages/train/src. */
function imports(file: string): string[] {
  return (importGraph([file]).get(file) ?? []).map((target) => relative(SOURCE, target));
}

describe('generic modules', () => {
  const generic = GENERIC.flatMap((folder) => sourceFiles(join(SOURCE, folder)));

  it('never read the active backend', () => {
    const reading = generic.filter((file) => /\bgetBackend\s*\(|onTensorflow|HOST_BACKENDS|TENSORFLOW_BACKEND/.test(readFileSync(file, 'utf8')));
    expect(reading.map((file) => relative(SOURCE, file))).toEqual([]);
  });

  it("import none of a backend's own modules", () => {
    const found = generic.flatMap((file) =>
      imports(file)
        .filter((id) => id.startsWith('backends/') && !SHARED.has(id))
        .map((id) => `${relative(SOURCE, file)} -> ${id}`),
    );
    expect(found).toEqual([]);
  });
});

describe('the benchmarks and data-parallel training', () => {
  const measuring = MEASURING.flatMap((folder) => sourceFiles(join(SOURCE, folder)));

  it('compare no backend names', () => {
    const comparing = measuring.filter((file) => BACKEND_NAME_COMPARISON.test(readFileSync(file, 'utf8')));
    expect(comparing.map((file) => relative(SOURCE, file))).toEqual([]);
  });

  it('finds a comparison where there is one', () => {
    expect(BACKEND_NAME_COMPARISON.test("const counter = tf.getBackend() === 'webgpu' ? count() : undefined;")).toBe(true);
    expect(BACKEND_NAME_COMPARISON.test("if (backend !== 'wasm') return 1;")).toBe(true);
    expect(BACKEND_NAME_COMPARISON.test('const synchronous = HOST_BACKENDS.includes(tf.getBackend());')).toBe(true);
    expect(BACKEND_NAME_COMPARISON.test('return { backend: tf.getBackend() };')).toBe(false);
  });
});

describe("each backend's forms", () => {
  for (const backend of BACKENDS) {
    it(`on ${backend}: every file in backends/${backend}/ops/ is named as a generic module and registered by register.ts`, () => {
      const register = join(SOURCE, 'backends', backend, 'register.ts');
      const registered = new Set(imports(register));
      for (const form of sourceFiles(join(SOURCE, 'backends', backend, 'ops'))) {
        const name = basename(form);
        const generics = [...GENERIC, ...MEASURING].flatMap((folder) => sourceFiles(join(SOURCE, folder))).filter((file) => basename(file) === name);
        expect(generics.length, `backends/${backend}/ops/${name} is named as no generic module`).toBeGreaterThan(0);
        const used =
          registered.has(relative(SOURCE, form)) ||
          sourceFiles(join(SOURCE, 'backends', backend, 'ops')).some((other) => imports(other).includes(relative(SOURCE, form)));
        expect(used, `backends/${backend}/ops/${name} is neither registered nor used by another form`).toBe(true);
      }
    });
  }
});
