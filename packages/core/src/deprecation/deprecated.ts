/**
 * Deprecated names that still work for one release: each warns once per process (Node) or page
 * (browsers), in one line that says what to use instead. In Node the warning is a
 * DeprecationWarning through process.emitWarning with its code (MLPX_DEP001, ...), so Node's own
 * switches apply (--no-deprecation silences it, --throw-deprecation throws it); in a browser it is
 * one console.warn.
 */

/** The deprecations of this release, by code: the code names one in warnings and docs. */
export const DEPRECATIONS = {
  /** @mlpx/infer's Classifier.close(). */
  MLPX_DEP001: 'classifier.close() is deprecated: use classifier.release()',
  /** @mlpx/infer's Classifier.inputShape, a [height, width, channels] tuple. */
  MLPX_DEP002: 'classifier.inputShape is deprecated: use classifier.inputSize ({ height, width, channels })',
  /** The skipped list's old field name, in @mlpx/infer, @mlpx/web and the inference server. */
  MLPX_DEP003: 'skipped[i].executionProvider is deprecated: use skipped[i].name',
  /** @mlpx/web's WebClassifier.probabilities(pixels). */
  MLPX_DEP004: 'classifier.probabilities(pixels) is deprecated: use (await classifier.run(pixels)).probabilities',
  /** @mlpx/web's classify(image) result read as the array of predictions it used to be. */
  MLPX_DEP005:
    "reading classify(image)'s result as an array of predictions is deprecated: it is a Classification, use (await classifier.classify(image)).predictions",
  /** @mlpx/train's ModelConfig.positionTable (and an Architecture's), FNet's own option beside the sizes every family shares. */
  MLPX_DEP006: 'positionTable in a model config or architecture is deprecated: use familyOptions: { positionTable }',
  /** @mlpx/export's ExportOptions.fft (and exportRun's), FNet's converter's own option among the export's generic ones. */
  MLPX_DEP007: 'fft in export options is deprecated: use converterOptions: { fft }',
} as const;

export type DeprecationCode = keyof typeof DEPRECATIONS;

const warned = new Set<DeprecationCode>();

interface NodeProcess {
  emitWarning(message: string, options: { type: string; code: string }): void;
}

/** Warns of a deprecation, the first time only. */
export function warnDeprecated(code: DeprecationCode): void {
  if (warned.has(code)) return;
  warned.add(code);
  const message = DEPRECATIONS[code];
  const nodeProcess = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (typeof nodeProcess?.emitWarning === 'function') {
    nodeProcess.emitWarning(message, { type: 'DeprecationWarning', code });
  } else {
    console.warn(`[${code}] DeprecationWarning: ${message}`);
  }
}

/**
 * Adds a deprecated property to `target`: a getter that warns (once) and returns `get()`, not
 * enumerable, so that spreading, JSON and structured clones carry only the current names.
 */
export function defineDeprecated<T extends object>(target: T, name: PropertyKey, code: DeprecationCode, get: () => unknown): T {
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: false,
    get() {
      warnDeprecated(code);
      return get();
    },
  });
  return target;
}
