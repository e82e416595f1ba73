/**
 * The members file: who belongs to which workspace, in one YAML document a pull request
 * edits. Read by the `gitops` example and by the repository's root stack.
 *
 * ```yaml
 * workspaces:
 *   platform:                 # the workspace's slug or UUID; also the resources' name
 *     users: [user_alice, user_bob]
 *     maxRemovals: 5
 *   ml-research:
 *     exclusive: true
 *     protected: [user_root]
 *     users: [user_carol]
 *   evals:                    # a workspace this file creates (slug: the key)
 *     workspace: { name: Evals, defaultTextModel: openai/gpt-4o, protect: true }
 *     users: [user_dave]
 * ```
 *
 * Every problem is reported at once, each naming the file, the line when the YAML library
 * knows it, and the entry: `members.yaml:7: workspaces.platform.users[3]: "user_bob" is
 * listed twice (first at users[1])`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Yaml from "yaml";
import { closestName, isUuid, quote, userIdProblem, workspaceIdProblem } from "./ids";
import { Workspace, type WorkspaceArgs } from "./workspace";
import type * as WorkspaceInputs from "./workspace-inputs";
import { WorkspaceMembers } from "./workspace-members";

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
  /** The users to manage, in the file's order. */
  userIds: string[];
  /** `exclusive:`, default `false`. */
  exclusive: boolean;
  /** `protected:`, default none. */
  protectedUserIds: string[];
  /** `maxRemovals:`, when given. */
  maxRemovals?: number;
  /** `workspace:`, when given: the entry creates its workspace instead of naming an existing one. */
  workspace?: WorkspaceBlock;
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

/** One thing wrong with a members file. */
export interface MembersFileProblem {
  /** The entry, e.g. `workspaces.platform.users[3]`; empty for the document as a whole. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/**
 * Thrown when a members file cannot be read or is not valid; its message lists every problem.
 * A `RunError`, so that `pulumi preview` prints the problems alone, as its error, instead of
 * an unhandled exception with a stack trace through this package and Node's internals.
 */
export class MembersFileError extends pulumi.RunError {
  override readonly name = "MembersFileError";
  constructor(
    /** The file name or config key the problems are in. */
    readonly source: string,
    readonly problems: readonly MembersFileProblem[],
  ) {
    super(problems.map((problem) => formatProblem(source, problem)).join("\n"));
  }
}

/**
 * The keys a workspace entry may hold, each checked in `validateEntry`. A new key is one more
 * name here, one more check there, and one more field on {@link WorkspaceMembersEntry}.
 */
const ENTRY_KEYS = ["users", "exclusive", "protected", "maxRemovals", "workspaceId", "workspace"] as const;
const TOP_LEVEL_KEYS = ["workspaces"] as const;
/** The key of a `workspace:` block that is a resource option, not a `Workspace` input. */
const PROTECT_KEY = "protect";

/** Where {@link loadMembersFromConfig} looks when `membersFile` is not set. */
const DEFAULT_MEMBERS_FILE = "members.yaml";

/** Reads and validates the members file at `path`; errors name `path` as given. */
export function loadMembersFile(path: string): MembersFile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- node builtin, loaded when used
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(code ?? error);
    throw new MembersFileError(path, [{ path: "", message: `cannot read the members file: ${why}` }]);
  }
  return parseMembersFile(text, path);
}

/** Parses and validates the YAML text of a members file; `fileName` names it in errors. */
export function parseMembersFile(text: string, fileName: string): MembersFile {
  // Required here, not at the top: programs that never read a members file load no YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when used
  const yaml = require("yaml") as typeof Yaml;
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new MembersFileError(
      fileName,
      document.errors.map((error) => ({
        path: "",
        line: lineCounter.linePos(error.pos[0]).line,
        message: `not valid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  const lineOf = (segments: readonly (string | number)[]): number | undefined => {
    const offset = nodeStart(yaml, document.contents, segments);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  return validate(document.toJS({ maxAliasCount: 100 }), fileName, lineOf);
}

/**
 * Validates members given as plain data (the root stack's `workspaces` stack config, read
 * with `config.requireObject`) by the same rules as a file; `source` names it in errors.
 */
export function validateMembers(value: unknown, source: string): MembersFile {
  return validate(value, source, () => undefined);
}

/** The part of `pulumi.Config` that {@link loadMembersFromConfig} reads. */
export interface MembersConfig {
  /** The config namespace (the project's name for `new pulumi.Config()`), for errors. */
  readonly name: string;
  get(key: string): string | undefined;
  getObject<T>(key: string): T | undefined;
}

/**
 * The members a stack declares in its config: inline under `workspaces` (an object, set
 * with `pulumi config set --path`), or in the YAML file named by `membersFile`, default
 * `members.yaml` in the working directory (the project's directory under the Pulumi CLI).
 */
export function loadMembersFromConfig(config: MembersConfig): MembersFile {
  const inline = config.getObject<unknown>("workspaces");
  const membersFile = config.get("membersFile");
  if (inline !== undefined && membersFile !== undefined) {
    throw new MembersFileError(`stack config ${config.name}`, [
      { path: "", message: '"workspaces" and "membersFile" are both set; keep one' },
    ]);
  }
  if (inline !== undefined) {
    return validateMembers({ workspaces: inline }, `stack config ${config.name}`);
  }
  if (membersFile === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node builtin, loaded when used
    const { existsSync } = require("node:fs") as typeof import("node:fs");
    if (!existsSync(DEFAULT_MEMBERS_FILE)) {
      throw new MembersFileError(DEFAULT_MEMBERS_FILE, [
        {
          path: "",
          message:
            `no such file in ${process.cwd()}; set "${config.name}:membersFile" to the members file's path, ` +
            `or declare the members inline in "${config.name}:workspaces"`,
        },
      ]);
    }
  }
  return loadMembersFile(membersFile ?? DEFAULT_MEMBERS_FILE);
}

/** How {@link declareWorkspaces} and {@link declareMembers} create the resources. */
export interface DeclareMembersOptions {
  /**
   * The workspace each entry's `WorkspaceMembers` points at, for entries without a
   * `workspace:` block; defaults to the entry's `workspaceId`. An entry with the block always
   * points at the workspace it creates.
   */
  workspaceIdFor?: (entry: WorkspaceMembersEntry) => pulumi.Input<string>;
  /**
   * Options for every resource (a provider-wide `protect`, a parent component, ...). A
   * block's `protect: true` protects its `Workspace` whatever these say.
   */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/** The resources {@link declareWorkspaces} declared, by entry key. */
export interface DeclaredWorkspaces {
  /** One per entry with a `workspace:` block. */
  workspaces: Record<string, Workspace>;
  /** One per entry. */
  members: Record<string, WorkspaceMembers>;
}

/**
 * Declares what the file says: a {@link Workspace} for each entry with a `workspace:` block,
 * and one {@link WorkspaceMembers} per entry, all named by the entry's key. The members of a
 * created workspace take its `id` as their `workspaceId`, so they depend on it: created after
 * it, deleted before it, and previewed while its id is still unknown.
 */
export function declareWorkspaces(file: MembersFile, options: DeclareMembersOptions = {}): DeclaredWorkspaces {
  const declared: DeclaredWorkspaces = { workspaces: {}, members: {} };
  for (const entry of file.workspaces) {
    let workspaceId: pulumi.Input<string>;
    if (entry.workspace) {
      const workspace = new Workspace(entry.key, entry.workspace.args, {
        ...options.resourceOptions,
        protect: entry.workspace.protect || options.resourceOptions?.protect,
      });
      declared.workspaces[entry.key] = workspace;
      workspaceId = workspace.id;
    } else {
      workspaceId = options.workspaceIdFor?.(entry) ?? entry.workspaceId;
    }
    declared.members[entry.key] = new WorkspaceMembers(
      entry.key,
      {
        workspaceId,
        userIds: entry.userIds,
        exclusive: entry.exclusive,
        protectedUserIds: entry.protectedUserIds.length > 0 ? entry.protectedUserIds : undefined,
        maxRemovals: entry.maxRemovals,
      },
      options.resourceOptions,
    );
  }
  return declared;
}

/**
 * {@link declareWorkspaces}, returning the `WorkspaceMembers` by key (for stack outputs). The
 * workspaces of entries with a `workspace:` block are declared too.
 */
export function declareMembers(
  file: MembersFile,
  options: DeclareMembersOptions = {},
): Record<string, WorkspaceMembers> {
  return declareWorkspaces(file, options).members;
}

type Segments = readonly (string | number)[];
/** Records one problem at `segments`. */
type Report = (segments: Segments, message: string) => void;

function validate(value: unknown, source: string, lineOf: (segments: Segments) => number | undefined): MembersFile {
  const problems: MembersFileProblem[] = [];
  const report: Report = (segments, message) => {
    problems.push({ path: formatPath(segments), line: lineOf(segments), message });
  };

  if (!isPlainObject(value)) {
    report([], `must be a mapping with a "workspaces:" key, got ${describe(value)}`);
    throw new MembersFileError(source, problems);
  }
  for (const key of Object.keys(value)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) report([key], unknownKey(key, TOP_LEVEL_KEYS));
  }
  const workspaces = value.workspaces;
  if (!isPlainObject(workspaces)) {
    report(["workspaces"], `must be a mapping of workspace slug or UUID to its members, got ${describe(workspaces)}`);
    throw new MembersFileError(source, problems);
  }

  const entries: WorkspaceMembersEntry[] = [];
  const keyByWorkspace = new Map<string, string>();
  for (const [key, raw] of Object.entries(workspaces)) {
    const at = ["workspaces", key] as const;
    const problemsBefore = problems.length;
    const entry = validateEntry(key, raw, at, report);
    if (problems.length > problemsBefore) continue;
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
  if (problems.length > 0) throw new MembersFileError(source, problems);
  return { source, workspaces: entries };
}

function validateEntry(
  key: string,
  raw: unknown,
  at: Segments,
  report: Report,
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

  let userIds: string[] = [];
  if (!("users" in raw)) {
    report(at, 'has no "users:" list (write "users: []" to manage nobody yet)');
  } else {
    userIds = validateIdList(raw.users, [...at, "users"], report);
  }
  const protectedUserIds = raw.protected === undefined ? [] : validateIdList(raw.protected, [...at, "protected"], report);

  let exclusive = false;
  if (raw.exclusive !== undefined) {
    if (typeof raw.exclusive !== "boolean") {
      report([...at, "exclusive"], `must be true or false, got ${describe(raw.exclusive)}`);
    } else {
      exclusive = raw.exclusive;
    }
  }

  let maxRemovals: number | undefined;
  if (raw.maxRemovals !== undefined) {
    if (typeof raw.maxRemovals !== "number" || !Number.isSafeInteger(raw.maxRemovals) || raw.maxRemovals < 0) {
      report([...at, "maxRemovals"], `must be a whole number, 0 or more, got ${describe(raw.maxRemovals)}`);
    } else {
      maxRemovals = raw.maxRemovals;
    }
  }

  return {
    key,
    workspaceId,
    userIds,
    exclusive,
    protectedUserIds,
    ...(maxRemovals === undefined ? {} : { maxRemovals }),
    ...(workspace === undefined ? {} : { workspace }),
  };
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
  const { WORKSPACE_INPUTS, checkWorkspaceInputs } = require("./workspace-inputs") as typeof WorkspaceInputs;
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
      reportAtField(at, failure.property, failure.reason, report);
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

/**
 * Reports a `Workspace` check failure at its field. Its reason starts with the field and any
 * list index (`disabledServerTools[1] must not be blank, ...`); those go into the path.
 */
function reportAtField(at: Segments, field: string, reason: string, report: Report): void {
  const match = /^(\w+)((?:\[\d+\])*) (.+)$/s.exec(reason);
  if (!match || match[1] !== field) {
    report([...at, field], reason);
    return;
  }
  const indices = [...match[2]!.matchAll(/\[(\d+)\]/g)].map((index) => Number(index[1]));
  report([...at, field, ...indices], match[3]!);
}

function validateIdList(
  value: unknown,
  at: Segments,
  report: Report,
): string[] {
  const name = String(at.at(-1));
  if (!Array.isArray(value)) {
    const hint = value === null ? ` (write "${name}: []" for none)` : "";
    report(at, `must be a list of user ids, got ${describe(value)}${hint}`);
    return [];
  }
  const firstIndex = new Map<string, number>();
  const ids: string[] = [];
  value.forEach((item: unknown, index) => {
    const itemAt = [...at, index];
    if (typeof item !== "string") {
      report(itemAt, `must be a user id (a string), got ${describe(item)}`);
      return;
    }
    const problem = userIdProblem(item);
    if (problem) {
      report(itemAt, problem);
      return;
    }
    const earlier = firstIndex.get(item);
    if (earlier !== undefined) {
      report(itemAt, `${quote(item)} is listed twice (first at ${name}[${earlier}])`);
      return;
    }
    firstIndex.set(item, index);
    ids.push(item);
  });
  return ids;
}

function unknownKey(key: string, known: readonly string[]): string {
  // Within two edits: "workspaces" is "workspace" mistyped, not "workspaceId".
  const near = closestName(key, known, () => 2);
  const suggestion = near ? `did you mean "${near}"? ` : "";
  return `unknown key ${quote(key)} (${suggestion}allowed: ${known.join(", ")})`;
}

/**
 * The offset where the entry at `segments` starts: a mapping entry's key (its value may
 * begin lines later), a sequence's item.
 */
function nodeStart(yaml: typeof Yaml, node: unknown, segments: Segments): number | undefined {
  let current = node;
  let start: number | undefined;
  for (const segment of segments) {
    if (yaml.isMap(current)) {
      const pair = current.items.find((item) => yaml.isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return start;
      start = (pair.key as Yaml.Scalar).range?.[0] ?? start;
      current = pair.value;
    } else if (yaml.isSeq(current) && typeof segment === "number") {
      current = current.items[segment];
      start = yaml.isNode(current) ? (current.range?.[0] ?? start) : start;
    } else {
      return start;
    }
  }
  return start;
}

function formatProblem(source: string, problem: MembersFileProblem): string {
  const where = problem.line === undefined ? source : `${source}:${problem.line}`;
  return problem.path === "" ? `${where}: ${problem.message}` : `${where}: ${problem.path}: ${problem.message}`;
}

function formatPath(segments: Segments): string {
  let text = "";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

