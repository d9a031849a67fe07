/**
 * mlpx's one table of op forms: which function computes an op on the active tfjs backend.
 *
 * A generic module defines its op with the plain form, the one every backend can run (tfjs ops,
 * tuned for wasm):
 *
 *   export const geluOp = defineOp<GeluForm>('gelu', geluWithTfjsOps);
 *   export const gelu = (x, approximation) => geluOp.form()(x, approximation);
 *
 * and a backend's module gives it a form of its own, in the backend's register.ts
 * (docs/backends.md has the layout and the list):
 *
 *   registerOpForm(geluOp, 'webgpu', geluOnWebgpu);
 *
 * `form()` looks the active backend up here, and only here: no op compares backend names. Ops that
 * are tfjs kernels or gradients register with tfjs's own registries instead (registerKernel,
 * registerGradient), in the same register.ts. What a backend is rather than how it computes (it
 * splits steps across threads, its results are ready on return) is a trait (./backend-traits.ts).
 * Nothing is registered when this module or an op is imported: backends/register-forms.ts
 * registers every backend's forms when a backend is selected or a saved model is loaded.
 */
import * as tf from '@tensorflow/tfjs';

export interface Op<F> {
  /** The op's name in this table (and in docs/backends.md). */
  readonly name: string;
  /** The form for backends with none of their own. */
  readonly plain: F;
  /** The form for the active tfjs backend: the one registered for it, else the plain form. */
  form(): F;
  /** The backends that registered a form of their own, in the order they did. */
  backends(): string[];
}

interface Entry {
  readonly op: Op<unknown>;
  readonly forms: Map<string, unknown>;
}

const table = new Map<string, Entry>();

/** Defines an op with its plain form; the name must be new. */
export function defineOp<F>(name: string, plain: F): Op<F> {
  if (table.has(name)) throw new Error(`the op ${name} is defined twice`);
  const forms = new Map<string, F>();
  const op: Op<F> = {
    name,
    plain,
    form: () => forms.get(tf.getBackend()) ?? plain,
    backends: () => [...forms.keys()],
  };
  table.set(name, { op, forms });
  return op;
}

/**
 * Makes `form` the op's form on the backend named `backendName` (a tfjs backend name: tensorflow,
 * webgpu, wasm, cpu). Registering the same form again does nothing; another form for the same op
 * and backend is refused.
 */
export function registerOpForm<F>(op: Op<F>, backendName: string, form: F): void {
  const entry = table.get(op.name);
  if (entry?.op !== op) throw new Error(`the op ${op.name} is not defined in this table`);
  const registered = entry.forms.get(backendName);
  if (registered === form) return;
  if (registered !== undefined) throw new Error(`the op ${op.name} already has another form on ${backendName}`);
  entry.forms.set(backendName, form);
}

/** Every op defined so far (by the modules imported so far), in the order they were defined. */
export function definedOps(): Op<unknown>[] {
  return [...table.values()].map((entry) => entry.op);
}
