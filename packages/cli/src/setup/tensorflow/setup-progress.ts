/**
 * The numbered steps of `mlpx setup tensorflow` ("[2/6] Installing ..."): each says it begins,
 * runs, and says how long it took, through the caller's SetupProgress.
 */

export interface SetupProgress {
  /** A step begins (1-based). */
  step(index: number, total: number, title: string): void;
  /** The current step ended. */
  done(seconds: number): void;
  /** What a long step is doing now, in a few words ("collecting absl-py (12 packages)"). */
  status?(text: string): void;
}

/** Runs one step: its title, its work, its time. */
export type SetupStep = <T>(title: string, work: () => Promise<T>) => Promise<T>;

/** The step runner of a setup of `total` steps, numbering them as they run. */
export function setupSteps(progress: SetupProgress | undefined, total: number): SetupStep {
  let index = 0;
  return async (title, work) => {
    const started = performance.now();
    progress?.step(++index, total, title);
    const value = await work();
    progress?.done((performance.now() - started) / 1000);
    return value;
  };
}
