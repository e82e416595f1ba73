/**
 * The one voice of the package's messages: how a value, a string, a list of ids and a
 * misspelt name are shown, whichever resource, file or setting the message is about. Pure,
 * imports nothing, so every module may word its failures with it.
 */

/** How much of an offending value a message quotes. */
const QUOTE_LIMIT = 80;
/** How many ids a message lists before it counts the rest. */
const IDS_SHOWN = 20;

// C0/C1 controls, format characters (bidi overrides, zero-width), line/paragraph separators.
export const INVISIBLE_PATTERN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const INVISIBLE_GLOBAL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * A string as a message may show it: JSON-quoted, every control or invisible character
 * escaped as `\uXXXX` (so a terminal shows what is really there), and cut after
 * {@link QUOTE_LIMIT} characters with the full length noted.
 */
export function quote(value: string): string {
  const shown = value.length > QUOTE_LIMIT ? value.slice(0, QUOTE_LIMIT) : value;
  const escaped = JSON.stringify(shown).replace(
    INVISIBLE_GLOBAL,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return value.length > QUOTE_LIMIT ? `${escaped.slice(0, -1)}…" (${value.length} characters)` : escaped;
}

/** Any value as a message may show it, briefly and without ever throwing. */
export function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${quote(value)}`;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 1 ? "a list of 1 entry" : `a list of ${value.length} entries`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** A list of ids for a message: all of them up to {@link IDS_SHOWN}, then a count of the rest. */
export function formatIds(ids: readonly string[]): string {
  const shown = ids.slice(0, IDS_SHOWN).join(", ");
  return ids.length > IDS_SHOWN ? `${shown} and ${ids.length - IDS_SHOWN} more` : shown;
}

/**
 * Why a name is not one of `known`: `unknown input "exclusiv": did you mean "exclusive"?
 * (the inputs are ...)`, or without a suggestion `unknown input "x": the inputs are ...`.
 * `kind` says what the names are ("input", "key", "setting").
 */
export function unknownName(kind: string, name: string, known: readonly string[]): string {
  const near = closestName(name, known);
  const all = `the ${kind}s are ${known.join(", ")}`;
  return near === undefined ? `unknown ${kind} ${quote(name)}: ${all}` : `unknown ${kind} ${quote(name)}: did you mean ${quote(near)}? (${all})`;
}

/**
 * The known name `name` most likely misspells, or `undefined` when none is close: the same
 * letters in another case, or within a few edits (a swap of two neighbours counts as one):
 * two for names up to eight letters, three for longer ones.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  // Nobody misspells a name as something this long; comparing it would only cost time.
  if (name.length > 256) return undefined;
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(3, Math.max(2, Math.floor(best.name.length / 3)));
  return best.distance <= allowed ? best.name : undefined;
}

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(distance);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}
