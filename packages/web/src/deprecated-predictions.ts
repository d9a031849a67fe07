/**
 * For one release: classify(image) on one image used to resolve to the array of its top-K
 * predictions, and now resolves to a Classification ({ predictions, probabilities, logits }), as
 * in Node. Code written for the array keeps working: the result is also that array, and reading it
 * as one (an index, length, iteration, an array method) warns once (MLPX_DEP005) that
 * `.predictions` is the array now. Its JSON is the Classification's.
 */
import { warnDeprecated, type Classification } from '@mlpx/core/browser';

const ARRAY_KEYS = new Set<PropertyKey>([...Object.getOwnPropertyNames(Array.prototype).filter((key) => key !== 'constructor'), Symbol.iterator]);

function readsAsArray(key: PropertyKey): boolean {
  return ARRAY_KEYS.has(key) || (typeof key === 'string' && /^\d+$/.test(key));
}

export function withDeprecatedArrayView(classification: Classification): Classification {
  const { predictions, probabilities, logits } = classification;
  const view = Object.assign([...predictions], { predictions, probabilities, logits });
  Object.defineProperty(view, 'toJSON', { value: () => ({ predictions, probabilities, logits }) });
  return new Proxy(view, {
    get(target, key, receiver) {
      if (readsAsArray(key)) warnDeprecated('MLPX_DEP005');
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
