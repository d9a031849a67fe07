/**
 * For one release: classify(image) on one image used to resolve to the array of its top-K
 * predictions, and now resolves to a Classification ({ predictions, probabilities, logits }), as
 * in Node. Code written for the array keeps working: the result is also that array, whose entries
 * warn once (MLPX_DEP005), when read by index, iteration or an array method, that `.predictions`
 * is the array now.
 *
 * The entries are accessors that are not enumerable, and the result is an ordinary array (no
 * Proxy): its JSON is the Classification's, and a structured clone (postMessage) carries
 * predictions, probabilities and logits without reading the entries, so neither warns.
 */
import { warnDeprecated, type Classification, type Prediction } from '@mlpx/core/browser';

export function withDeprecatedArrayView(classification: Classification): Classification {
  const { predictions, probabilities, logits } = classification;
  const view = Object.assign(new Array<Prediction>(predictions.length), { predictions, probabilities, logits });
  predictions.forEach((prediction, index) => {
    Object.defineProperty(view, index, {
      configurable: true,
      enumerable: false,
      get() {
        warnDeprecated('MLPX_DEP005');
        return prediction;
      },
    });
  });
  Object.defineProperty(view, 'toJSON', { value: () => ({ predictions, probabilities, logits }) });
  return view;
}
