/**
 * `check` for a set-membership resource (`WorkspaceMembers`, `GuardrailMembers`): validates the inputs (plain tests first; zod schemas word
 * the failures), names the property and the offending value in every failure, and returns
 * the sets in the keyed-map form `{ "<id>": true }`, which the engine diffs key by key, so
 * that `pulumi preview --diff` names each user added or removed. No I/O. Loaded only at
 * call time inside the plugin, so the zod schemas built here never reach the serialized
 * provider.
 */
import type { z } from "zod";
import { checkKeys, type CheckFailure, type CheckedInputs } from "../core/check";
import { emailProblem, normalizeEmail, userIdProblem } from "../core/ids";
import { describe, quote } from "../core/messages";
import { UNKNOWN, isUnknown } from "../core/unknowns";

/** The inputs every set-membership resource accepts besides its target's id. */
export const SET_INPUTS = ["userIds", "emails", "exclusive", "protectedUserIds", "maxRemovals"] as const;

/** The input naming what the set belongs to (a workspace, a guardrail), and its rule. */
export interface TargetInput {
  /** The input's name, e.g. `workspaceId`. */
  key: string;
  /** What it holds, for the failure of a value that is no string, e.g. `the workspace's UUID or slug`. */
  holds: string;
  /** Why a string cannot be that id, or `undefined` when it can. */
  problem: (value: string) => string | undefined;
}

/** Most entries one set may hold; far above any organization, low enough to stay fast. */
export const MAX_SET_SIZE = 100_000;
/** Per property, the first this-many problems are reported one by one, then a count. */
const MAX_FAILURES_PER_PROPERTY = 10;

/**
 * Validates `news` (the program's inputs as the plugin decoded them) and returns the checked
 * inputs: the target's id (`target.key`) as given, `userIds`, `emails` and `protectedUserIds` as keyed maps
 * `{ "<id>": true }` in input order (emails lower-cased; `userIds` empty when only `emails`
 * names people; absent or empty `emails` and `protectedUserIds` are left out),
 * `exclusive` always an explicit boolean, `maxRemovals` only when set. Keys starting with
 * `__` (the runtime's own, such as `__provider`) pass through untouched. Preview unknowns
 * pass through unchanged and never fail. Every rule is about the new inputs alone.
 *
 * Never throws, whatever `news` holds: bad values become failures naming the property and
 * the value, quoted with control characters escaped and cut to a readable length.
 */
export function checkMemberInputs(target: TargetInput, news: Record<string, unknown>): CheckedInputs {
  try {
    return checkRecord(target, news);
  } catch {
    // Only an exotic object (a proxy, a throwing getter) can get here: Struct-decoded inputs cannot.
    return { inputs: {}, failures: [{ property: "", reason: "the inputs could not be read as plain data" }] };
  }
}

function checkRecord(target: TargetInput, news: unknown): CheckedInputs {
  if (news === null || typeof news !== "object" || Array.isArray(news)) {
    return { inputs: {}, failures: [{ property: "", reason: `the inputs must be an object, got ${describe(news)}` }] };
  }
  const given = news as Record<string, unknown>;
  const { inputs, failures } = checkKeys(given, [target.key, ...SET_INPUTS]);

  const targetId = given[target.key];
  if (targetId === undefined || targetId === null) {
    failures.push({ property: target.key, reason: `${target.key} is required: ${target.holds}` });
  } else {
    inputs[target.key] = targetId;
    if (!isUnknown(targetId)) failures.push(...targetFailures(target, targetId));
  }

  const userIds = given.userIds;
  const emails = given.emails;
  const absent = (value: unknown) => value === undefined || value === null;
  if (!absent(userIds)) {
    const set = checkSet("userIds", userIds, USER_IDS);
    inputs.userIds = set.value;
    failures.push(...set.failures);
  } else if (absent(emails)) {
    failures.push({ property: "userIds", reason: "userIds is required: a list of user ids (it may be empty), unless emails names the members" });
  } else {
    // Refresh always hands userIds back, so a program naming people only by email gets it too.
    inputs.userIds = Object.create(null);
  }
  if (!absent(emails)) {
    const set = checkSet("emails", emails, EMAILS);
    // Empty is the same as none, as for protectedUserIds below.
    if (!isEmptySet(set.value)) inputs.emails = set.value;
    failures.push(...set.failures);
  }

  const exclusive = given.exclusive ?? false;
  inputs.exclusive = exclusive;
  if (!isUnknown(exclusive)) failures.push(...issuesToFailures("exclusive", "exclusive", exclusive));

  const protectedUserIds = given.protectedUserIds;
  if (protectedUserIds !== undefined && protectedUserIds !== null) {
    const set = checkSet("protectedUserIds", protectedUserIds, USER_IDS);
    // An empty set is the same as none; leaving it out keeps check and refresh agreeing
    // (a refresh hands back no protectedUserIds when there are none).
    if (!isEmptySet(set.value)) inputs.protectedUserIds = set.value;
    failures.push(...set.failures);
  }

  const maxRemovals = given.maxRemovals;
  if (maxRemovals !== undefined && maxRemovals !== null) {
    inputs.maxRemovals = maxRemovals;
    if (!isUnknown(maxRemovals)) failures.push(...issuesToFailures("maxRemovals", "maxRemovals", maxRemovals));
  }

  return { inputs, failures: capPerProperty(failures) };
}

/** What a set holds: the rule each entry passes, the key it is compared and stored under, and its words. */
interface SetKind {
  rule: "id" | "email";
  key: (entry: string) => string;
  /** What the set is a list of, e.g. `user ids`. */
  listOf: string;
  /** The key in the map form's description, e.g. `<userId>`. */
  placeholder: string;
  /** Said of a repeat. */
  onceRule: string;
}

const USER_IDS: SetKind = { rule: "id", key: (id) => id, listOf: "user ids", placeholder: "<userId>", onceRule: "a set lists each user once" };
/** Directories treat an email's case as noise, so the set does too: keys are lower-cased. */
const EMAILS: SetKind = {
  rule: "email",
  key: normalizeEmail,
  listOf: "emails",
  placeholder: "<email>",
  onceRule: "a set lists each email once, whatever its letter case",
};

/**
 * Validates one set (array form or keyed-map form) and returns it in map form, or unchanged
 * when a preview unknown is in it (a map cannot carry an unknown key, and the engine calls
 * `check` again with the real values before anything is applied).
 */
function checkSet(property: string, value: unknown, kind: SetKind): { value: unknown; failures: CheckFailure[] } {
  if (value === UNKNOWN) return { value, failures: [] };
  const entries = setEntries(property, value, kind);
  if ("failure" in entries) return { value, failures: [entries.failure] };

  const failures: CheckFailure[] = [];
  // The map form is built as the ids are read, and finds the repeats: one hash lookup per
  // id. Its keys are in input order; the engine compares maps by key, so order is moot.
  const map = Object.create(null) as Record<string, true>;
  const repeated = new Set<string>();
  const { ids, where } = entries;
  let unknown = entries.unknownFlag;
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index];
    if (id === UNKNOWN) {
      unknown = true;
      continue;
    }
    // The plain test first: sets of 10,000 ids are checked on every preview, and building a
    // zod result per valid id costs more than everything else here together.
    if (typeof id !== "string" || !ACCEPTS[kind.rule](id)) {
      failures.push(...issuesToFailures(property, kind.rule, id, `${property}${where(index)}`));
      continue;
    }
    const key = kind.key(id);
    if (map[key] !== true) {
      map[key] = true;
    } else if (!repeated.has(key)) {
      repeated.add(key);
      // Where it first stood is searched for only for the repeats a message will show.
      const firstIndex = repeated.size <= MAX_FAILURES_PER_PROPERTY ? ids.findIndex((e) => typeof e === "string" && kind.key(e) === key) : -1;
      const first = firstIndex >= 0 ? ` (first at ${property}${where(firstIndex)})` : "";
      failures.push({ property, reason: `${property}${where(index)} repeats ${quote(id)}${first}; ${kind.onceRule}` });
    }
  }
  if (failures.length > 0 || unknown) return { value, failures };
  return { value: map, failures };
}

/** The entries of a set and how to name where one sits (`[3]` or `["key"]`), or why there are none. */
type SetEntries =
  | { ids: readonly unknown[]; where: (index: number) => string; unknownFlag: boolean }
  | { failure: CheckFailure };

function setEntries(property: string, value: unknown, kind: SetKind): SetEntries {
  const tooMany = (count: number): SetEntries => ({
    failure: { property, reason: `${property} has ${count} entries, more than the ${MAX_SET_SIZE} allowed` },
  });
  if (Array.isArray(value)) {
    if (value.length > MAX_SET_SIZE) return tooMany(value.length);
    return { ids: value, where: (index) => `[${index}]`, unknownFlag: false };
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length > MAX_SET_SIZE) return tooMany(keys.length);
    let unknownFlag = false;
    for (const key of keys) {
      const flag = (value as Record<string, unknown>)[key];
      if (flag === UNKNOWN) unknownFlag = true;
      if (flag !== true && flag !== UNKNOWN) {
        return {
          failure: {
            property,
            reason: `${property}[${quote(key)}] must be true in the map form { "${kind.placeholder}": true }, got ${describe(flag)}`,
          },
        };
      }
    }
    return { ids: keys, where: (index) => `[${quote(keys[index] ?? "")}]`, unknownFlag };
  }
  return {
    failure: { property, reason: `${property} must be a list of ${kind.listOf}, got ${describe(value)}` },
  };
}

/** The target's id: a string its rule accepts (no zod: its rule words its own failures). */
function targetFailures(target: TargetInput, value: unknown): CheckFailure[] {
  const problem = typeof value === "string" ? target.problem(value) : `must be a string (${target.holds}), got ${describe(value)}`;
  return problem === undefined ? [] : [{ property: target.key, reason: `${target.key} ${problem}` }];
}

interface Schemas {
  id: z.ZodType<string>;
  email: z.ZodType<string>;
  exclusive: z.ZodType<boolean>;
  maxRemovals: z.ZodType<number>;
}

/**
 * What each schema accepts, as plain tests (the same rules of ids.ts the schemas refine
 * with): valid inputs, nearly all of them, are checked without zod, which is loaded only to
 * word a failure. Loading zod was most of the plugin's first Check (~55 of 80 ms), paid by
 * every `pulumi preview`.
 */
const ACCEPTS: Record<keyof Schemas, (value: unknown) => boolean> = {
  id: (value) => typeof value === "string" && userIdProblem(value) === undefined,
  email: (value) => typeof value === "string" && emailProblem(value) === undefined,
  exclusive: (value) => typeof value === "boolean",
  maxRemovals: (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0,
};

let schemas: Schemas | undefined;

/** Built, and zod loaded, on the first failure to word. */
function getSchemas(): Schemas {
  if (schemas !== undefined) return schemas;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see ACCEPTS
  const { z: zod } = require("zod") as typeof import("zod");
  schemas = {
    id: zod
      .string({ error: (issue) => `must be a user id string, got ${describe(issue.input)}` })
      .superRefine((value, ctx) => {
        const problem = userIdProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    email: zod
      .string({ error: (issue) => `must be an email string, got ${describe(issue.input)}` })
      .superRefine((value, ctx) => {
        const problem = emailProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
      }),
    exclusive: zod.boolean({ error: (issue) => `must be true or false, got ${describe(issue.input)}` }),
    maxRemovals: zod
      .number({ error: (issue) => `must be a whole number of 0 or more, got ${describe(issue.input)}` })
      .refine((value) => Number.isSafeInteger(value) && value >= 0, {
        error: (issue) => `must be a whole number of 0 or more, got ${describe(issue.input)}`,
      }),
  };
  return schemas;
}

/** Checks `value` by `rule` and turns each issue into a failure of `property`, prefixed by `label`. */
function issuesToFailures(property: string, rule: keyof Schemas, value: unknown, label = property): CheckFailure[] {
  if (ACCEPTS[rule](value)) return [];
  const result = getSchemas()[rule].safeParse(value, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ property, reason: `${label} ${issue.message}` }));
}

/** Keeps the first few failures of each property and sums up the rest in one more. */
function capPerProperty(failures: CheckFailure[]): CheckFailure[] {
  const counts = new Map<string, number>();
  const kept: CheckFailure[] = [];
  for (const failure of failures) {
    const count = (counts.get(failure.property) ?? 0) + 1;
    counts.set(failure.property, count);
    if (count <= MAX_FAILURES_PER_PROPERTY) kept.push(failure);
  }
  for (const [property, count] of counts) {
    if (count > MAX_FAILURES_PER_PROPERTY) {
      kept.push({ property, reason: `${property} has ${count - MAX_FAILURES_PER_PROPERTY} more problems like the above` });
    }
  }
  return kept;
}

function isEmptySet(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).length === 0;
}
