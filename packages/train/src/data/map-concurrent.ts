/**
 * Runs an async task over a list with bounded concurrency: at most `limit` tasks in flight, so a
 * folder of thousands of images is not decoded all at once.
 */

/** Calls `task` on every item, `limit` at a time; stops starting tasks after the first failure. */
export async function forEachConcurrent<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await task(items[index], index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
