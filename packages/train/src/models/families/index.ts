/** The families mlpx ships, in the order `mlpx train --help` and `mlpx bench` list them. */
import { fnetFamily } from './fnet.js';
import { gmlpFamily } from './gmlp.js';
import { mixerFamily } from './mixer.js';

export const BUILT_IN_FAMILIES = [mixerFamily, fnetFamily, gmlpFamily] as const;

/** 'mixer' | 'fnet' | 'gmlp'. */
export type BuiltInModelName = (typeof BUILT_IN_FAMILIES)[number]['name'];
