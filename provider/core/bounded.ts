/**
 * Bounded concurrency, one way for the whole package: a limiter that runs at most `limit`
 * tasks at once, in the order they were handed in, and can be told to start no more. Bulk
 * changes (`runBounded`) and parallel page fetches (api/paginate.ts) both run on it. Pure.
 */

/** Runs tasks, at most `limit` at once; see {@link createLimiter}. */
export interface Limiter {
  /** Runs `task` when a place is free; resolves to its result, or `undefined` if stopped before it started. */
  run<T>(task: () => Promise<T>): Promise<T | undefined>;
  /** Starts no further task; those running finish. */
  stop(): void;
}

/** A {@link Limiter} for `limit` tasks at once (at least 1). */
export function createLimiter(limit: number): Limiter {
  const places = Math.max(1, limit);
  let running = 0;
  let stopped = false;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T | undefined> {
      if (running >= places) await new Promise<void>((resolve) => waiting.push(resolve));
      if (stopped) {
        waiting.shift()?.();
        return undefined;
      }
      running++;
      try {
        return await task();
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    stop(): void {
      stopped = true;
    },
  };
}

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
  const limiter = createLimiter(concurrency);
  const results: (R | undefined)[] = new Array(items.length);
  const errors: unknown[] = [];
  let started = 0;
  await Promise.all(
    items.map((item, index) =>
      limiter.run(async () => {
        started++;
        try {
          results[index] = await task(item, index);
        } catch (error) {
          errors.push(error);
          limiter.stop();
        }
      }),
    ),
  );
  return { results, errors, skipped: items.length - started };
}
