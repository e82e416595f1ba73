/**
 * Reading every page of a list route. The service may answer shorter pages than asked: a
 * listing ends at `total_count` or an empty page, and each offset follows what actually
 * arrived. With concurrency, the pages after the first are fetched on the package's one
 * limiter (core/bounded.ts).
 */
import { createLimiter } from "../core/bounded";
import type { Page } from "./wire";

/**
 * Walks pages: sequentially, or (concurrency > 1) by planning the remaining offsets from the
 * first page's length and total and fetching them `concurrency` at a time, yielding in order.
 */
export async function* paginate<T>(fetchPage: (offset: number) => Promise<Page<T>>, concurrency: number): AsyncGenerator<T[]> {
  const first = await fetchPage(0);
  if (first.items.length === 0) return;
  yield first.items;
  let offset = first.items.length;
  let total = first.totalCount;
  if (concurrency > 1 && offset < total) {
    const pageSize = offset;
    const ranges: { start: number; end: number }[] = [];
    for (let start = offset; start < total; start += pageSize) ranges.push({ start, end: Math.min(start + pageSize, total) });
    let largestTotal = total;
    // A short page leaves a gap in its range: fill it before moving on, so that no member
    // between two planned offsets is skipped.
    const fetchRange = async ({ start, end }: { start: number; end: number }): Promise<T[]> => {
      const items: T[] = [];
      for (let at = start; at < end; ) {
        const page = await fetchPage(at);
        largestTotal = Math.max(largestTotal, page.totalCount);
        if (page.items.length === 0) break;
        items.push(...page.items.slice(0, end - at));
        at += page.items.length;
      }
      return items;
    };
    const limiter = createLimiter(concurrency);
    const results = ranges.map((range) => limiter.run(() => fetchRange(range)));
    // Results the consumer never awaits (it stopped early, or an earlier one failed) must
    // not become unhandled rejections.
    results.forEach((result) => result.catch(() => undefined));
    try {
      for (const result of results) {
        const items = (await result) ?? [];
        if (items.length > 0) yield items;
      }
    } finally {
      limiter.stop();
    }
    offset = total;
    total = largestTotal;
  }
  while (offset < total) {
    const page = await fetchPage(offset);
    if (page.items.length === 0) return;
    yield page.items;
    offset += page.items.length;
    total = page.totalCount;
  }
}

/** Every item of every page, in order. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
