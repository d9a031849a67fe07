/**
 * A flag that was renamed: its old name stays accepted, hidden from --help, with one line on
 * stderr saying so; giving the old and the new name together is an error.
 *
 *   const INPUT_SIZE: RenamedFlag = { command: 'train', old: '--input-size', current: '--load-size', why: 'images resized as loaded' };
 *   command.addOption(renamedFlagOption(INPUT_SIZE, '<n>', positiveInteger));
 *   const loadSize = valueOfRenamedFlag(INPUT_SIZE, flags.inputSize, flags.loadSize !== undefined) ?? flags.loadSize;
 */
import { Option } from 'commander';
import { MlpxError } from '@mlpx/core';
import { info } from '../progress/terminal.js';

export interface RenamedFlag {
  /** The command's name, as the notice names it. */
  readonly command: string;
  readonly old: string;
  readonly current: string;
  /** Why, in a few words, for the notice. */
  readonly why: string;
}

/** The old name as a hidden option parsed as the current one is. */
export function renamedFlagOption<T>(flag: RenamedFlag, placeholder: string, parse: (value: string) => T): Option {
  return new Option(`${flag.old} ${placeholder}`, `the old name of ${flag.current}`).argParser(parse).hideHelp();
}

/** The old name's value, with the notice, when it was given; undefined when it was not. */
export function valueOfRenamedFlag<T>(flag: RenamedFlag, oldValue: T | undefined, currentGiven: boolean): T | undefined {
  if (oldValue === undefined) return undefined;
  if (currentGiven) throw new MlpxError(`${flag.old} is the old name of ${flag.current}: give ${flag.current} only`);
  info(`mlpx ${flag.command}: ${flag.old} is renamed ${flag.current} (${flag.why}); the old name still works`);
  return oldValue;
}
