/**
 * Preview unknowns: the value Pulumi's dynamic-provider plugin hands a provider in place of
 * anything not yet known during a preview (an output of a resource that does not exist
 * yet). Pure, imports nothing.
 */

/**
 * The value the dynamic-provider plugin hands us in place of anything not yet known during
 * a preview (an output of a resource that does not exist yet). It arrives as a plain string.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Absurd nesting gives up rather than overflowing the stack; real inputs are two levels deep. */
const MAX_UNKNOWN_DEPTH = 64;

/**
 * True when `value` is the preview-unknown sentinel or holds it anywhere inside (array
 * elements, object values). Never throws, also not on cycles or very deep nesting.
 */
export function isUnknown(value: unknown): boolean {
  return containsUnknown(value, 0, new Set());
}

function containsUnknown(value: unknown, depth: number, seen: Set<object>): boolean {
  if (value === UNKNOWN) return true;
  if (value === null || typeof value !== "object" || depth > MAX_UNKNOWN_DEPTH || seen.has(value)) {
    return false;
  }
  seen.add(value);
  // A loop rather than one call per element: sets of 10,000 ids pass through here on every
  // check and diff, and almost all their elements are plain strings or `true`.
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    if (child === UNKNOWN) return true;
    if (child !== null && typeof child === "object" && containsUnknown(child, depth + 1, seen)) return true;
  }
  return false;
}
