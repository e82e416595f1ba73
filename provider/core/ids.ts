/**
 * The rules for ids and names that every check shares: the resources' `check`, the GitOps
 * file's validation (which must refuse what the resources would) and their messages. Pure
 * and free of zod, so the YAML validation can use it without loading zod.
 */

/** Longest user id or workspace id accepted. */
export const MAX_ID_LENGTH = 256;
/** How much of an offending value a message quotes. */
const QUOTE_LIMIT = 80;

// C0/C1 controls, format characters (bidi overrides, zero-width), line/paragraph separators.
export const INVISIBLE_PATTERN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const INVISIBLE_GLOBAL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The service's slug rule: lowercase letters and digits in segments joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** True when `value` has the shape of a UUID (any letter case). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Ids made only of these characters, starting with a letter or digit and at most
 * MAX_ID_LENGTH long, break none of the rules below: one regex test accepts the common
 * case, which matters when a check reads 10,000 ids.
 */
const PLAIN_USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.@+:-]{0,255}$/;

/** Why `value` cannot be a user id, or `undefined` when it can. */
export function userIdProblem(value: string): string | undefined {
  if (PLAIN_USER_ID.test(value)) return undefined;
  if (value.trim() === "") return `is blank: ${quote(value)}`;
  if (value.length > MAX_ID_LENGTH) return `is ${value.length} characters long, more than ${MAX_ID_LENGTH}: ${quote(value)}`;
  if (INVISIBLE_PATTERN.test(value)) return `contains control or invisible characters: ${quote(value)}`;
  if (value.trim() !== value) return `has leading or trailing whitespace: ${quote(value)}`;
  // The engine hides keys starting with "__" in previews, and "__proto__" would vanish as a map key.
  if (value.startsWith("__")) return `starts with "__", which is reserved: ${quote(value)}`;
  return undefined;
}

/** Why `value` cannot name a workspace, or `undefined` when it can. */
export function workspaceIdProblem(value: string): string | undefined {
  if (value === "") return "must not be empty: give the workspace's UUID or slug";
  if (value.length > MAX_ID_LENGTH) return `is ${value.length} characters long, more than ${MAX_ID_LENGTH}: ${quote(value)}`;
  if (INVISIBLE_PATTERN.test(value)) return `contains control or invisible characters: ${quote(value)}`;
  if (value.trim() !== value) return `has leading or trailing whitespace: ${quote(value)}`;
  if (isUuid(value) || SLUG_PATTERN.test(value)) return undefined;
  return (
    `${quote(value)} is neither a workspace UUID nor a slug ` +
    "(lowercase letters and digits in segments joined by single hyphens, e.g. \"ml-research\")"
  );
}

/**
 * The known name `key` most likely misspells: the same letters in another case, or the
 * fewest edits away within `maxEdits(name)`. Undefined when none is close.
 */
export function closestName<T extends string>(key: string, known: readonly T[], maxEdits: (name: T) => number): T | undefined {
  if (key.length > 2 * MAX_ID_LENGTH) return undefined;
  const lower = key.toLowerCase();
  let best: { name: T; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best !== undefined && best.distance <= maxEdits(best.name) ? best.name : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

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
