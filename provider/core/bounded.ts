/** The outcome of running a list of tasks with a bound on how many run at once. */
export interface BoundedOutcome<R> {
  /** Results of the tasks that finished, in task order (holes for those that did not run or failed). */
  results: (R | undefined)[];
  /** Failures in the order they happened. */
  errors: unknown[];
  /** How many tasks never started because an earlier one failed. */
  skipped: number;
}

/**
 * Runs `task` over `items`, at most `concurrency` at a time. After the first failure no new
 * task starts, but those already in flight are awaited: their effects happened, so their
 * results must be recorded (a partial failure must name everything that went through).
 */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<BoundedOutcome<R>> {
  const results: (R | undefined)[] = new Array(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (errors.length === 0 && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { results, errors, skipped: items.length - next };
}
