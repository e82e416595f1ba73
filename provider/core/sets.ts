/**
 * Sets of ids, as the resources read them in either of their two shapes: the array form (a
 * program's input, outputs, state written before sets became maps) and the keyed-map form
 * `{ "<id>": true }` that `check` returns so that `pulumi preview --diff` compares them key
 * by key. Also chunking. Pure: no I/O; nothing of ours but the unknowns.
 */
import { UNKNOWN } from "./unknowns";

/**
 * The sorted, de-duplicated ids of a set in either of its two shapes. Anything else (absent, null, junk in odd state) is the empty set; array
 * entries that are not strings and map keys whose value is not `true` are ignored.
 */
export function toIdSet(value: unknown): string[] {
  // readIds lists each id once already; only the order is left to settle.
  const ids = [...readIds(value).ids];
  return isStrictlyAscending(ids) ? ids : ids.sort();
}

/**
 * The keyed-map form of a set, keys inserted in sorted order. The object has no prototype,
 * so an id such as `constructor` is an ordinary key (ids starting with `__` never get here:
 * `check` refuses them, since the engine hides such keys and `__proto__` would vanish).
 */
export function toIdMap(ids: Iterable<string>): Record<string, true> {
  const map = Object.create(null) as Record<string, true>;
  for (const id of sortedUnique(ids)) map[id] = true;
  return map;
}

/**
 * A set of ids as planning reads it: its ids, each once and in no particular order, and a
 * membership test. {@link readIds} makes one from either shape of a set.
 */
export interface IdSet {
  readonly ids: readonly string[];
  has(id: string): boolean;
  /** `ids` are strictly ascending (a sorted list's set), so a position can be searched for. */
  readonly sorted: boolean;
  /** A preview unknown stands in the set (as the whole value, an array element or a map flag). */
  readonly unknown: boolean;
}

/**
 * A set in either shape as an {@link IdSet}, without sorting it: the keyed map answers `has`
 * by property lookup, and sorted arrays (what outputs store) are used as they are and
 * searched. Sorting would cost more than the whole plan, and the engine hands the map back
 * in no particular order (its protobuf maps are unordered).
 * Read as {@link toIdSet} reads: only `true` flags and string entries count, anything
 * else is the empty set.
 */
export function readIds(value: unknown): IdSet {
  let unknown = value === UNKNOWN;
  if (Array.isArray(value)) {
    const ids = value.filter((id): id is string => {
      if (id === UNKNOWN) unknown = true;
      return typeof id === "string" && id !== UNKNOWN;
    });
    return idSetOf(ids, unknown);
  }
  if (value === null || typeof value !== "object") return idSetOf([], unknown);
  const map = value as Record<string, unknown>;
  const ids = Object.keys(map).filter((id) => {
    const flag = map[id];
    if (flag === UNKNOWN) unknown = true;
    return flag === true;
  });
  // Ids never start with "__" (check refuses them), so no key is an Object.prototype member.
  return { ids, has: (id) => map[id] === true, sorted: false, unknown };
}

/**
 * An {@link IdSet} of a list. A sorted list (what outputs store) is tested by binary search:
 * building a hash set of 10,000 ids that were just decoded costs more than 10,000 searches,
 * since every id would be hashed and stored first.
 */
function idSetOf(list: readonly string[], unknown = false): IdSet {
  if (!isStrictlyAscending(list)) {
    const set = new Set(list);
    return { ids: [...set], has: (id) => set.has(id), sorted: false, unknown };
  }
  return { ids: list, has: (id) => positionIn(list, id) >= 0, sorted: true, unknown };
}

/** Where the strictly ascending `list` holds `id`, or -1. */
function positionIn(list: readonly string[], id: string): number {
  const at = lowerBound(list, id, itself);
  return list[at] === id ? at : -1;
}

const itself = (id: string): string => id;

/**
 * The first position of `items` (ascending by `keyOf`, in code-unit order) whose key is not
 * below `key`: where an item with that key is, or would go.
 */
export function lowerBound<T>(items: readonly T[], key: string, keyOf: (item: T) => string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyOf(items[middle] as T) < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The ids of `a` that `b` lacks and the ids of `b` that `a` lacks, each in its set's order.
 * When `b` is sorted (an old state's ids), one search per id of `a` also marks what `b`
 * shares, so `b` is never looked up in `a`: those would be property lookups of freshly
 * decoded strings, which cost V8 more than the searches (each is interned first).
 */
export function differences(a: IdSet, b: IdSet): { onlyInA: string[]; onlyInB: string[] } {
  if (!b.sorted) return { onlyInA: a.ids.filter((id) => !b.has(id)), onlyInB: b.ids.filter((id) => !a.has(id)) };
  const shared = new Uint8Array(b.ids.length);
  const onlyInA: string[] = [];
  for (const id of a.ids) {
    const position = positionIn(b.ids, id);
    if (position >= 0) shared[position] = 1;
    else onlyInA.push(id);
  }
  return { onlyInA, onlyInB: b.ids.filter((_, index) => shared[index] === 0) };
}

/** `ids` as an {@link IdSet}: as given when it is one, else read as a list. */
export function asIdSet(ids: Iterable<string> | IdSet): IdSet {
  if (isIdSet(ids)) return ids;
  return idSetOf(Array.isArray(ids) ? (ids as string[]) : [...ids]);
}

function isIdSet(value: Iterable<string> | IdSet): value is IdSet {
  return typeof (value as Partial<IdSet>).has === "function" && Array.isArray((value as Partial<IdSet>).ids);
}

/**
 * Splits `items` into consecutive runs of at most `size` (the last may be shorter); no
 * items gives no chunks, so an empty `user_ids` request can never be built from it.
 * Throws a `RangeError` unless `size` is a whole number of at least 1.
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`chunk size must be a whole number of at least 1, got ${String(size)}`);
  }
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** Whether two sets hold the same ids (each lists its ids once), whatever their order. */
export function sameSet(a: IdSet, b: IdSet): boolean {
  return a.ids.length === b.ids.length && a.ids.every((id) => b.has(id));
}

/** Sorted by UTF-16 code units, the order `Array.prototype.sort` gives strings. */
function sortedUnique(ids: Iterable<string>): string[] {
  const list = Array.isArray(ids) ? (ids as string[]) : [...ids];
  // Outputs store sets sorted, so the common case is a linear scan, not a sort.
  if (isStrictlyAscending(list)) return list === ids ? list.slice() : list;
  return [...new Set(list)].sort();
}

function isStrictlyAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] as string) >= (list[i] as string)) return false;
  return true;
}
