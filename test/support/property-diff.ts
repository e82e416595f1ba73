/**
 * The property diff `pulumi preview --diff` displays between a resource's stored checked
 * inputs and its new ones, modelled on the engine's `PropertyMap.Diff` and its display:
 * objects compare key by key, arrays index by index (an index past the old end is an add,
 * past the new end a delete, any other differing index an update), recursively; a value
 * whose type changes is one update; top-level keys starting with `__` are internal and
 * never shown. Issue #8 uses it to prove why checked inputs carry sets as keyed maps.
 */

/** One line of the displayed diff: `+` add, `-` delete, `~` update. */
export interface PropertyDiffEntry {
  /** `userIds.user_a` under a map, `userIds[3]` under an array. */
  path: string;
  kind: "add" | "delete" | "update";
}

/** The entries the engine would display between `olds` and `news`, in path order. */
export function propertyDiff(olds: Record<string, unknown>, news: Record<string, unknown>): PropertyDiffEntry[] {
  const visible = (map: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(map).filter(([key]) => !key.startsWith("__")));
  const entries: PropertyDiffEntry[] = [];
  diffObjects(visible(olds), visible(news), "", entries);
  return entries;
}

type Plain = Record<string, unknown>;

const isObject = (value: unknown): value is Plain =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function diffValues(old: unknown, next: unknown, path: string, out: PropertyDiffEntry[]): void {
  if (Array.isArray(old) && Array.isArray(next)) {
    diffArrays(old, next, path, out);
  } else if (isObject(old) && isObject(next)) {
    diffObjects(old, next, `${path}.`, out);
  } else if (old !== next) {
    out.push({ path, kind: "update" });
  }
}

function diffObjects(old: Plain, next: Plain, prefix: string, out: PropertyDiffEntry[]): void {
  const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  for (const key of keys) {
    const path = `${prefix}${key}`;
    if (!Object.hasOwn(next, key)) out.push({ path, kind: "delete" });
    else if (!Object.hasOwn(old, key)) out.push({ path, kind: "add" });
    else diffValues(old[key], next[key], path, out);
  }
}

function diffArrays(old: unknown[], next: unknown[], path: string, out: PropertyDiffEntry[]): void {
  for (let index = 0; index < Math.max(old.length, next.length); index++) {
    const at = `${path}[${index}]`;
    if (index >= old.length) out.push({ path: at, kind: "add" });
    else if (index >= next.length) out.push({ path: at, kind: "delete" });
    else diffValues(old[index], next[index], at, out);
  }
}
