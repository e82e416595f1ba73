/**
 * The members file's rules: who belongs to which workspace, in one document a pull request
 * edits (read by the `gitops` example and by the repository's root stack).
 *
 * ```yaml
 * workspaces:
 *   platform:                 # the workspace's slug or UUID; also the resources' name
 *     users: [alice@example.com, user_bob]   # by email (it has an "@") or by user id
 *     maxRemovals: 5
 *   ml-research:
 *     exclusive: true
 *     protected: [user_root]
 *     users: [user_carol]
 *   evals:                    # a workspace this file creates (slug: the key)
 *     workspace: { name: Evals, defaultTextModel: openai/gpt-4o, protect: true }
 *     users: [user_dave]
 *     budgets: { monthly: 500, daily: 25 }   # its budgets (see budgets.ts)
 *     guardrails:             # who of users: is assigned to which guardrail (see guardrails.ts)
 *       16af95b7-4e8b-4f0a-aaf7-1fd84422e164: [user_dave]
 * ```
 *
 * Every problem is reported at once, each naming the file, the line when the YAML library
 * knows it, and the entry: `members.yaml:7: workspaces.platform.users[3]: "user_bob" is
 * listed twice (first at users[1])`. These are the file's own rules; whether the people it
 * names are in the organization is a second pass (organization.ts), which needs the service.
 */
import type * as WorkspaceInputs from "../workspace/inputs";
import type { WorkspaceArgs } from "../workspace/resource";
import { MEMBERS_FILE_PROBLEMS_SHOWN, MembersFileError, type MembersFileProblem } from "../core/errors";
import { isUuid, workspaceIdProblem } from "../core/ids";
import { describe, quote, unknownName } from "../core/messages";
import { validateBudgetsBlock, type BudgetsBlock } from "./budgets";
import { checkGuardrailsAcrossEntries, validateGuardrailsBlock, type GuardrailsBlock } from "./guardrails";
import { validatePeople, type PeopleList } from "./people";

/** One workspace's members, as the file declares them. */
export interface WorkspaceMembersEntry {
  /**
   * The key under `workspaces:`. It names the Pulumi resources (the `WorkspaceMembers`, and the
   * `Workspace` of a `workspace:` block), so renaming it replaces them.
   */
  key: string;
  /**
   * The workspace's slug or UUID: the entry's `workspaceId` when given, the slug of its
   * `workspace:` block when it has one, else its key.
   */
  workspaceId: string;
  /** The users to manage named by id (`users:` entries without an "@"), in the file's order. */
  userIds: string[];
  /** The users to manage named by email (`users:` entries with an "@"), as written, in the file's order. */
  emails: string[];
  /** Every person of `users:` and `protected:`, where the file names them: what the organization check reads. */
  people: NamedPerson[];
  /** `exclusive:`, default `false`. */
  exclusive: boolean;
  /** `protected:`, default none. */
  protectedUserIds: string[];
  /** `maxRemovals:`, when given. */
  maxRemovals?: number;
  /** `workspace:`, when given: the entry creates its workspace instead of naming an existing one. */
  workspace?: WorkspaceBlock;
  /** `budgets:`, when given: the workspace's budgets, declared as a `WorkspaceBudgets`. */
  budgets?: BudgetsBlock;
  /** `guardrails:`, when given: each guardrail's direct members, declared as a `GuardrailMembers`. */
  guardrails?: GuardrailsBlock;
  /**
   * `retainOnDelete:`, when given: Pulumi's `retainOnDelete` option on the entry's resources,
   * so that deleting them (the entry removed, its key renamed, `pulumi destroy`) leaves the
   * members, budgets and workspace in the organization and only drops them from the state.
   * What an export writes for what it adopts.
   */
  retainOnDelete?: boolean;
}

/** One person an entry names, and where. */
export interface NamedPerson {
  /** A user id, or an email as written. */
  value: string;
  kind: "userId" | "email";
  /** The list that names them (a guardrail's, under `guardrails:`), and where in it. */
  list: "users" | "protected" | "guardrail";
  index: number;
  /** The entry, e.g. `workspaces.platform.users[3]`. */
  path: string;
  /** 1-based line, when known. */
  line?: number;
}

/**
 * A workspace the file creates: an entry's `workspace:` block. The block holds the
 * `Workspace` resource's inputs (checked by that resource's own rules) and `protect`.
 */
export interface WorkspaceBlock {
  /** The inputs the block sets, with `slug` defaulting to the entry's key. */
  args: WorkspaceArgs;
  /**
   * `protect:`, default `false`: Pulumi's `protect` option on the `Workspace`, so that an
   * `up` that would delete it (the block or the entry removed, the key renamed) fails instead.
   */
  protect: boolean;
}

/** A validated members file. */
export interface MembersFile {
  /** Where it came from, as named in errors: a file name or a stack config key. */
  source: string;
  /** One entry per key under `workspaces:`, in the file's order. */
  workspaces: WorkspaceMembersEntry[];
}

/**
 * The keys a workspace entry may hold, each checked in `validateEntry`. A new key is one more
 * name here, one more check there, and one more field on {@link WorkspaceMembersEntry}.
 */
const ENTRY_KEYS = ["users", "exclusive", "protected", "maxRemovals", "workspaceId", "workspace", "budgets", "guardrails", "retainOnDelete"] as const;
const TOP_LEVEL_KEYS = ["workspaces"] as const;
/** The key of a `workspace:` block that is a resource option, not a `Workspace` input. */
const PROTECT_KEY = "protect";

/** Where an entry sits: keys and list indices from the top of the document. */
export type Segments = readonly (string | number)[];
/** Records one problem at `segments`. */
export type Report = (segments: Segments, message: string) => void;
/** Where the entry at `segments` is: its path, and its line when known. */
export type Locate = (segments: Segments) => { path: string; line?: number };

/**
 * Validates a members file's data; every problem found is reported at once, each with its
 * line when `lineOf` knows it.
 */
export function validate(value: unknown, source: string, lineOf: (segments: Segments) => number | undefined): MembersFile {
  const problems: MembersFileProblem[] = [];
  const locate: Locate = (segments) => {
    const line = lineOf(segments);
    return line === undefined ? { path: formatPath(segments) } : { path: formatPath(segments), line };
  };
  // Past the problems an error shows, only count: finding a line costs a walk of the file.
  let omitted = 0;
  const report: Report = (segments, message) => {
    if (problems.length < MEMBERS_FILE_PROBLEMS_SHOWN) problems.push({ ...locate(segments), message });
    else omitted++;
  };
  const fail: () => never = () => {
    throw new MembersFileError(source, problems, undefined, omitted);
  };

  if (!isPlainObject(value)) {
    report([], `must be a mapping with a "workspaces:" key, got ${describe(value)}`);
    fail();
  }
  for (const key of Object.keys(value)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) report([key], unknownKey(key, TOP_LEVEL_KEYS));
  }
  const workspaces = value.workspaces;
  if (!isPlainObject(workspaces)) {
    report(["workspaces"], `must be a mapping of workspace slug or UUID to its members, got ${describe(workspaces)}`);
    fail();
  }

  const entries: WorkspaceMembersEntry[] = [];
  const keyByWorkspace = new Map<string, string>();
  for (const [key, raw] of Object.entries(workspaces)) {
    const at = ["workspaces", key] as const;
    const problemsBefore = problems.length + omitted;
    const entry = validateEntry(key, raw, at, report, locate);
    if (problems.length + omitted > problemsBefore) continue;
    if (!entry) continue;
    // Two entries on one workspace would be two resources fighting over its members.
    const target = isUuid(entry.workspaceId) ? entry.workspaceId.toLowerCase() : entry.workspaceId;
    const earlier = keyByWorkspace.get(target);
    if (earlier !== undefined) {
      report(
        entry.workspaceId === key ? at : entry.workspace ? [...at, "workspace", "slug"] : [...at, "workspaceId"],
        `workspace ${quote(entry.workspaceId)} is already declared by ${formatPath(["workspaces", earlier])}; ` +
          "list its users in one entry",
      );
      continue;
    }
    keyByWorkspace.set(target, key);
    entries.push(entry);
  }
  checkGuardrailsAcrossEntries(entries, report);
  if (problems.length > 0) fail();
  return { source, workspaces: entries };
}

function validateEntry(
  key: string,
  raw: unknown,
  at: Segments,
  report: Report,
  locate: Locate,
): WorkspaceMembersEntry | undefined {
  if (!isPlainObject(raw)) {
    report(at, `must be a mapping with a "users:" list, got ${describe(raw)}`);
    return undefined;
  }
  for (const field of Object.keys(raw)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(field)) report([...at, field], unknownKey(field, ENTRY_KEYS));
  }

  let workspaceId = key;
  let workspace: WorkspaceBlock | undefined;
  if (raw.workspace !== undefined) {
    if (raw.workspaceId !== undefined) {
      report(
        [...at, "workspaceId"],
        'names an existing workspace, but "workspace:" creates one; drop workspaceId ' +
          '(a "slug:" in the block gives the new workspace a slug other than the key)',
      );
    }
    workspace = validateWorkspaceBlock(key, raw.workspace, [...at, "workspace"], report);
    if (workspace) workspaceId = workspace.args.slug as string;
  } else {
    if (raw.workspaceId !== undefined) {
      if (typeof raw.workspaceId !== "string") {
        report([...at, "workspaceId"], `must be a workspace slug or UUID, got ${describe(raw.workspaceId)}`);
      } else {
        workspaceId = raw.workspaceId;
      }
    }
    const workspaceProblem = workspaceIdProblem(workspaceId);
    if (workspaceProblem) report(raw.workspaceId === undefined ? at : [...at, "workspaceId"], workspaceProblem);
  }

  let users: PeopleList = { userIds: [], emails: [], people: [] };
  if (!("users" in raw)) {
    report(at, 'has no "users:" list (write "users: []" to manage nobody yet)');
  } else {
    users = validatePeople(raw.users, [...at, "users"], "users", report, locate);
  }
  const protectedList = raw.protected === undefined ? undefined : validatePeople(raw.protected, [...at, "protected"], "protected", report, locate);

  const exclusive = validateFlag(raw, "exclusive", at, report) ?? false;
  const retainOnDelete = validateFlag(raw, "retainOnDelete", at, report);

  let maxRemovals: number | undefined;
  if (raw.maxRemovals !== undefined) {
    if (typeof raw.maxRemovals !== "number" || !Number.isSafeInteger(raw.maxRemovals) || raw.maxRemovals < 0) {
      report([...at, "maxRemovals"], `must be a whole number, 0 or more, got ${describe(raw.maxRemovals)}`);
    } else {
      maxRemovals = raw.maxRemovals;
    }
  }

  const budgets = raw.budgets === undefined ? undefined : validateBudgetsBlock(raw.budgets, workspaceId, [...at, "budgets"], report);
  const guardrails = raw.guardrails === undefined ? undefined : validateGuardrailsBlock(raw.guardrails, users, [...at, "guardrails"], report, locate);

  return {
    key,
    workspaceId,
    userIds: users.userIds,
    emails: users.emails,
    people: [...users.people, ...(protectedList?.people ?? [])],
    exclusive,
    protectedUserIds: protectedList?.userIds ?? [],
    ...(maxRemovals === undefined ? {} : { maxRemovals }),
    ...(workspace === undefined ? {} : { workspace }),
    ...(budgets === undefined ? {} : { budgets }),
    ...(guardrails === undefined ? {} : { guardrails }),
    ...(retainOnDelete === undefined ? {} : { retainOnDelete }),
  };
}

/** An entry's boolean key: its value, `undefined` when absent or reported. */
function validateFlag(raw: Record<string, unknown>, key: "exclusive" | "retainOnDelete", at: Segments, report: Report): boolean | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value;
  report([...at, key], `must be true or false, got ${describe(value)}`);
  return undefined;
}

/**
 * Checks a `workspace:` block by the `Workspace` resource's own rules (its `check`), so the
 * file refuses exactly what a preview would, and names the line. `slug` defaults to `key`.
 */
function validateWorkspaceBlock(key: string, raw: unknown, at: Segments, report: Report): WorkspaceBlock | undefined {
  if (!isPlainObject(raw)) {
    report(at, `must be a mapping of the new workspace's settings, with at least "name:", got ${describe(raw)}`);
    return undefined;
  }
  // Required here, not at the top: the rules are zod schemas, and programs whose file
  // creates no workspace never load zod.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when used
  const { WORKSPACE_INPUTS, checkWorkspaceInputs } = require("../workspace/inputs") as typeof WorkspaceInputs;
  const allowed: readonly string[] = [...WORKSPACE_INPUTS, PROTECT_KEY];
  let valid = true;
  const given: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!allowed.includes(field)) {
      report([...at, field], unknownKey(field, allowed));
      valid = false;
    } else if (field !== PROTECT_KEY) {
      given[field] = value;
    }
  }
  const slugFromKey = !("slug" in raw);
  if (slugFromKey) given.slug = key;

  const { inputs, failures } = checkWorkspaceInputs(given);
  for (const failure of failures) {
    valid = false;
    if (failure.property === "slug" && slugFromKey) {
      // The key is the slug: report the key, keeping "slug" in the message to say why.
      report(at.slice(0, -1), failure.reason);
    } else {
      report([...at, failure.property, ...(failure.at ?? [])], failure.problem ?? failure.reason);
    }
  }
  if (typeof inputs.slug === "string" && isUuid(inputs.slug)) {
    report(
      slugFromKey ? at.slice(0, -1) : [...at, "slug"],
      `a workspace created here is named by a slug (e.g. "ml-research"), not a UUID: ${quote(inputs.slug)}`,
    );
    valid = false;
  }

  let protect = false;
  if (raw[PROTECT_KEY] !== undefined) {
    if (typeof raw[PROTECT_KEY] !== "boolean") {
      report([...at, PROTECT_KEY], `must be true or false, got ${describe(raw[PROTECT_KEY])}`);
      valid = false;
    } else {
      protect = raw[PROTECT_KEY];
    }
  }
  return valid ? { args: inputs as unknown as WorkspaceArgs, protect } : undefined;
}

function unknownKey(key: string, known: readonly string[]): string {
  return unknownName("key", key, known);
}

/** An entry's place as problems name it: `workspaces.platform.users[3]`, odd keys quoted (and cut, as values are). */
export function formatPath(segments: Segments): string {
  let text = "";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]{1,80}$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${quote(segment)}]`;
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
