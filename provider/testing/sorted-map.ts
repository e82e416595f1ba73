/** One page of a list route. */
export interface Page<T> {
  data: T[];
  total_count: number;
}

/** Code-unit order, the order the service's member pages are in ("ordered by user id"). */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A map keyed by id whose values are listed and paged in id order: workspace members, the
 * organization's users, a guardrail's assignments. The sorted ids are rebuilt lazily after
 * a change, so paging through 10,000 entries sorts once, not once a page.
 */
export class SortedIdMap<V> {
  private readonly entries = new Map<string, V>();
  private sorted: string[] | undefined;

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  set(id: string, value: V): void {
    if (!this.entries.has(id)) this.sorted = undefined;
    this.entries.set(id, value);
  }

  /** Removes `id`; true when it was there. */
  delete(id: string): boolean {
    const had = this.entries.delete(id);
    if (had) this.sorted = undefined;
    return had;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  /** The ids in order: the same array until the next change, so a caller must not modify it. */
  sortedIds(): readonly string[] {
    this.sorted ??= [...this.entries.keys()].sort(compareIds);
    return this.sorted;
  }

  /** `limit` values from `offset` in id order, each mapped by `toWire`, with the total count. */
  page<T>(offset: number, limit: number, toWire: (value: V) => T): Page<T> {
    const ids = this.sortedIds();
    return {
      data: ids.slice(offset, offset + limit).map((id) => toWire(this.entries.get(id) as V)),
      total_count: ids.length,
    };
  }
}
