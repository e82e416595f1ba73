/**
 * The one voice of the package's messages: how a value, a string, a list of ids and a
 * misspelt name are shown, whichever resource, file or setting the message is about. Pure,
 * imports nothing, so every module may word its failures with it.
 */

/** How much of an offending value a message quotes. */
const QUOTE_LIMIT = 80;
/** How many ids a message lists before it counts the rest. */
export const IDS_SHOWN = 20;
/** The most edits {@link closestName} allows between a name and the one it misspells. */
const MAX_EDITS = 3;

// C0/C1 controls, format characters (bidi overrides, zero-width), line/paragraph separators.
export const INVISIBLE_PATTERN = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const INVISIBLE_GLOBAL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** A message set inside another's sentence: its final full stop dropped, so none doubles. */
export function asClause(message: string): string {
  return message.replace(/\.+$/, "");
}

/** The target a resource names, as a message about its absence speaks of it. */
export interface NamedTarget {
  /** `Workspace`, `Guardrail`. */
  kind: string;
  /** The id or slug the program gave. */
  id: string;
  /** The input that holds it, e.g. `workspaceId`. */
  input: string;
  /** What that input holds, e.g. `a workspace UUID or slug`. */
  holds: string;
}

/** A target read before any change was not there: nothing was changed, and which input to check. */
export function missingTarget(target: NamedTarget): string {
  return `${target.kind} ${quote(target.id)} was not found; nothing was changed. Check ${target.input} (${target.holds})`;
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
 * Why a person named by id or email is not in the organization's directory:
 * `"bob@exmaple.com" is no member of the organization (did you mean "bob@example.com"?)`.
 * `closest` is what {@link closestName} found among the directory's names, if anything.
 */
export function notInOrganization(name: string, closest: string | undefined): string {
  const hint = closest === undefined ? "" : ` (did you mean ${quote(closest)}?)`;
  return `${quote(name)} is no member of the organization${hint}`;
}

/**
 * Why a guardrail takes no members of its own, and what to do instead: a workspace's
 * default guardrail applies to everyone in the workspace already; a legacy guardrail with
 * no workspace takes no assignments at all.
 */
export function guardrailRefusal(guardrailId: string, why: "default" | "no-workspace", workspaceId: string | null): string {
  return why === "default"
    ? `Guardrail ${quote(guardrailId)} is the default guardrail of workspace ${quote(workspaceId ?? "")}: it applies to every ` +
        "member of the workspace already and takes no assignments. Nothing was changed. To give some members other rules, " +
        "create another guardrail in that workspace and point guardrailId at it; to change what everyone gets, edit the default guardrail itself"
    : `Guardrail ${quote(guardrailId)} belongs to no workspace (a legacy guardrail), so the service takes no member ` +
        "assignments for it. Nothing was changed. Create a guardrail in the members' workspace and point guardrailId at it";
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
    // Only a candidate nearer than the best so far, and within MAX_EDITS, can change the
    // answer: the distance is computed no further than that, so that looking a typo up
    // among an organization's 10,000 emails stays quick.
    const limit = Math.min(MAX_EDITS, (best?.distance ?? MAX_EDITS + 1) - 1);
    const distance = editDistance(lower, candidate.toLowerCase(), limit);
    if (distance <= limit) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(MAX_EDITS, Math.max(2, Math.floor(best.name.length / 3)));
  return best.distance <= allowed ? best.name : undefined;
}

/**
 * Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, or `limit + 1`
 * as soon as it is sure to be more than `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  let current = new Array<number>(b.length + 1).fill(0);
  let previousRowMin = 0;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (beforePrevious[j - 2] as number) + 1);
      }
      current[j] = distance;
      if (distance < rowMin) rowMin = distance;
    }
    // Each row builds on the two before it (a swap reaches back two): once both exceed the
    // limit, so does everything after.
    if (rowMin > limit && previousRowMin > limit) return limit + 1;
    previousRowMin = rowMin;
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return Math.min(previous[b.length] as number, limit + 1);
}
