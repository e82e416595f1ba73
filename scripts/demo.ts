/**
 * `npm run demo`: the quickstart program (`examples/quickstart`) driven through Pulumi's own
 * dynamic-provider plugin against the OpenRouter emulator, step by step, the way the Pulumi
 * engine would: preview, up, an edit, up again, a large onboarding, a change made by hand,
 * refresh, the repair, and destroy. Each step prints its plan, the plugin calls, the HTTP
 * requests the emulator received and its time, then checks the emulator's membership and the
 * recorded state. Exits 0 only when every step matched what it expected.
 *
 * `npm run demo -- --cli` runs the same steps through the real `pulumi` CLI instead (built by
 * `npm run pulumi-cli`, or `PULUMI_CLI`), in a copy of the quickstart stack whose program is
 * rewritten for each edit; it fails, saying how to get one, when there is no CLI.
 *
 * Colour and the rewritten progress line only on a terminal (and never with `NO_COLOR`).
 */
import * as openrouter from "pulumi-openrouter";
import { QUICKSTART_USERS, quickstart } from "../examples/quickstart/program";
import {
  BASE_PATH,
  DEMO_WORKSPACE_SLUG,
  seedDemoOrganization,
  startEmulator,
  type Emulator,
  type RequestLogEntry,
} from "../provider/testing";
import {
  Engine,
  captureRegistrations,
  secret,
  startPlugin,
  type CallRecord,
  type PluginProcess,
  type Registration,
  type ResourceState,
  type Step,
} from "../test/engine/harness";
import { REPO_ROOT } from "../test/engine/harness/build";
import { startCliDriver } from "./demo-cli";
import { findPulumiCli, type PulumiCli } from "./pulumi-cli";
import { propertyDiff, type PropertyDiffEntry } from "../test/support/property-diff";

const PLATFORM = DEMO_WORKSPACE_SLUG;
const RESEARCH = "demo-research";
/** Organization users the demo adds to the seeded organization for the large step. */
export const NEW_HIRES = Array.from({ length: 400 }, (_, i) => `user_hire_${String(i + 1).padStart(3, "0")}`);
/** Stack config the plugin receives besides the key and URL: small chunks make the progress visible. */
const BATCH_SIZE = 50;
const CONCURRENCY = 2;
/** Every emulator request takes this long, roughly a round trip to the real service. */
const LATENCY_MS = 60;
/** Steps that change at least this many users show a progress line. */
const PROGRESS_THRESHOLD = 100;
/** Users named per resource in a plan; the rest are counted. */
const PLAN_LINES = 6;

// ---------------------------------------------------------------------------------------
// Output

/** ANSI styling that turns itself off when colour is not wanted. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

/**
 * Colour only on a terminal and without `NO_COLOR` (https://no-color.org: any non-empty
 * value) or `TERM=dumb`.
 */
export function wantsColor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

/** A {@link Style} that wraps text in ANSI codes, or leaves it as it is. */
export function createStyle(color: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (color ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}

/** Where the demo writes: `process.stdout`, or anything with `write` (a test's buffer). */
export interface DemoStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Writes the demo's lines; on a terminal one progress line is rewritten in place. */
class Output {
  readonly style: Style;
  private progressShown = false;
  private lastProgress = "";

  constructor(
    private readonly stream: DemoStream,
    env: NodeJS.ProcessEnv,
  ) {
    this.style = createStyle(wantsColor(stream.isTTY, env));
  }

  line(text = ""): void {
    this.clearProgress();
    this.stream.write(`${text}\n`);
  }

  /** On a terminal, rewrites one line; elsewhere, prints each new text once. */
  progress(text: string): void {
    if (text === this.lastProgress) return;
    this.lastProgress = text;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.progressShown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  clearProgress(): void {
    this.lastProgress = "";
    if (!this.progressShown) return;
    this.stream.write("\r\x1b[2K");
    this.progressShown = false;
  }
}

// ---------------------------------------------------------------------------------------
// Plans, drift and requests, as a person reads them

/** What the demo reads of a resource in the state, whether the model's or the CLI's. */
export type RecordedResource = Pick<ResourceState, "urn" | "outputs" | "initErrors"> & Partial<Pick<ResourceState, "inputs">>;

/** One resource's line in a plan: what the engine will do and the users it adds or removes. */
export interface ResourcePlan {
  name: string;
  op: Step["op"] | "drift";
  added: string[];
  removed: string[];
  /** Other properties the display diff shows (`maxRemovals`, `exclusive`, ...). */
  changed: PropertyDiffEntry[];
}

const nameOf = (urn: string): string => urn.split("::").at(-1) ?? urn;

const userKeys = (inputs: Record<string, unknown> | undefined): string[] => {
  const userIds = inputs?.userIds;
  return userIds !== null && typeof userIds === "object" && !Array.isArray(userIds) ? Object.keys(userIds).sort() : [];
};

/**
 * What `pulumi preview --diff` shows for each step: the checked inputs' `userIds` map
 * against the recorded one, key by key (so one line per user), or every user for a create
 * or delete.
 */
export function describePlan(steps: Step[], before: RecordedResource[]): ResourcePlan[] {
  const old = new Map(before.map((state) => [state.urn, state]));
  return steps.map((step) => {
    const name = nameOf(step.urn);
    const recorded = old.get(step.urn);
    if (step.op === "create") return { name, op: step.op, added: userKeys(step.inputs), removed: [], changed: [] };
    if (step.op === "delete") return { name, op: step.op, added: [], removed: recordedUsers(recorded), changed: [] };
    const entries = propertyDiff(recorded?.inputs ?? {}, step.inputs ?? {});
    const users = (kind: "add" | "delete") =>
      entries.filter((e) => e.kind === kind && e.path.startsWith("userIds.")).map((e) => e.path.slice("userIds.".length));
    const changed = entries.filter((e) => !e.path.startsWith("userIds."));
    return { name, op: step.op, added: users("add"), removed: users("delete"), changed };
  });
}

/** What a refresh found: managed users that left (or joined) the workspace outside Pulumi. */
export function describeDrift(before: RecordedResource[], after: RecordedResource[]): ResourcePlan[] {
  const now = new Map(after.map((state) => [state.urn, state]));
  return before.map((old) => {
    const name = nameOf(old.urn);
    const next = now.get(old.urn);
    if (!next) return { name, op: "delete", added: [], removed: recordedUsers(old), changed: [] };
    const was = new Set(recordedUsers(old));
    const is = new Set(recordedUsers(next));
    const added = [...is].filter((u) => !was.has(u));
    const removed = [...was].filter((u) => !is.has(u));
    return { name, op: added.length + removed.length > 0 ? "drift" : "same", added, removed, changed: [] };
  });
}

function recordedUsers(state: RecordedResource | undefined): string[] {
  const userIds = state?.outputs.userIds;
  return Array.isArray(userIds) ? userIds.map(String).sort() : [];
}

/** The plan as lines: `+ platform (create)` then `+ user_alice`, at most {@link PLAN_LINES} users each. */
export function planLines(plans: ResourcePlan[], style: Style): string[] {
  const symbol = { create: style.green("+"), delete: style.red("-"), update: style.yellow("~"), replace: style.yellow("+-"), drift: style.yellow("~"), same: " " };
  const what = { create: "create", delete: "delete", update: "update", replace: "replace", drift: "changed outside Pulumi", same: "no change" };
  const lines: string[] = [];
  for (const plan of plans) {
    lines.push(`${symbol[plan.op]} ${plan.name} (${what[plan.op]})`);
    const users = [...plan.added.map((u) => `${style.green("+")} ${u}`), ...plan.removed.map((u) => `${style.red("-")} ${u}`)];
    for (const line of users.slice(0, PLAN_LINES)) lines.push(`    ${line}`);
    if (users.length > PLAN_LINES) lines.push(`    … and ${users.length - PLAN_LINES} more (${plan.added.length} added, ${plan.removed.length} removed in all)`);
    // The engine shows property diffs only for resources it will change.
    if (plan.op === "same") continue;
    const kinds = { add: style.green("+"), delete: style.red("-"), update: style.yellow("~") };
    for (const entry of plan.changed) lines.push(`    ${kinds[entry.kind]} ${entry.path}`);
  }
  return lines;
}

/**
 * The emulator's requests as lines, consecutive requests to the same route with the same
 * status folded into one: `POST /workspaces/4ca78110…/members/add ×8 (400 users) 200`.
 */
export function requestLines(entries: readonly RequestLogEntry[], style: Style): string[] {
  const groups: { key: string; method: string; path: string; status: RequestLogEntry["status"]; count: number; users: number; ms: number }[] = [];
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) {
    const path = shortenIds(entry.path.split("?")[0]!.replace(BASE_PATH, ""));
    const key = `${entry.method} ${path} ${entry.status}`;
    const last = groups.at(-1);
    if (last?.key === key) {
      last.count++;
      last.users += entry.userIdsCount ?? 0;
      last.ms = Math.max(last.ms, entry.durationMs);
      continue;
    }
    groups.push({ key, method: entry.method, path, status: entry.status, count: 1, users: entry.userIdsCount ?? 0, ms: entry.durationMs });
  }
  return groups.map((g) => {
    const times = g.count > 1 ? ` ×${g.count}` : "";
    const users = g.users > 0 ? ` (${g.users} user${g.users === 1 ? "" : "s"})` : "";
    const status = typeof g.status === "number" && g.status < 300 ? style.green(String(g.status)) : style.red(String(g.status));
    return `${g.method} ${g.path}${times}${users} ${status}`;
  });
}

/** Workspace UUIDs shortened to their first 8 hex digits, as the start step lists them. */
function shortenIds(path: string): string {
  return path.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "$1…");
}

/** Plugin calls as `check ×2 (3 ms) · update (120 ms)`. */
export function callSummary(calls: readonly CallRecord[]): string {
  const byMethod = new Map<string, { count: number; ms: number; failed: number }>();
  for (const call of calls) {
    const seen = byMethod.get(call.method) ?? { count: 0, ms: 0, failed: 0 };
    byMethod.set(call.method, { count: seen.count + 1, ms: seen.ms + call.durationMs, failed: seen.failed + (call.error ? 1 : 0) });
  }
  if (byMethod.size === 0) return "none";
  return [...byMethod]
    .map(([method, s]) => `${method}${s.count > 1 ? ` ×${s.count}` : ""} (${formatMs(s.ms)}${s.failed ? `, ${s.failed} failed` : ""})`)
    .join(" · ");
}

const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** `missing user_x; unexpected user_y` between two id lists, or `undefined` when they hold the same ids. */
export function setDifference(what: string, actual: readonly string[], expected: readonly string[]): string | undefined {
  const has = new Set(actual);
  const wants = new Set(expected);
  const missing = [...wants].filter((u) => !has.has(u));
  const unexpected = [...has].filter((u) => !wants.has(u));
  if (missing.length === 0 && unexpected.length === 0) return undefined;
  const list = (ids: string[]) => (ids.length > 5 ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more` : ids.join(", "));
  const parts = [missing.length ? `missing ${list(missing)}` : "", unexpected.length ? `unexpected ${list(unexpected)}` : ""];
  return `${what}: ${parts.filter(Boolean).join("; ")}`;
}

// ---------------------------------------------------------------------------------------
// The demo

/** What one step found wrong; an empty list means it matched. */
type Problems = string[];

interface DemoContext {
  emulator: Emulator;
  driver: DemoDriver;
  out: Output;
}

/** The program of one demo step: the quickstart with these users, and maybe a second resource. */
export interface DemoProgram {
  users: readonly string[];
  onboarding?: { name: string; workspaceId: string; userIds: readonly string[] };
}

/**
 * Runs the demo's Pulumi operations: through Pulumi's dynamic-provider plugin as the engine
 * would ({@link ModelDriver}), or through the real `pulumi` CLI (`./demo-cli`).
 */
export interface DemoDriver {
  /** Lines for the start: what runs the program and the provider, configured how. */
  readonly description: string[];
  /** What {@link takeActivity} lists: `plugin` calls or `pulumi` commands. */
  readonly activityLabel: string;
  preview(program: DemoProgram): Promise<ResourcePlan[]>;
  /** Applies the program, as `pulumi up` right after the preview that showed its plan. */
  apply(program: DemoProgram): Promise<void>;
  refresh(): Promise<void>;
  destroy(): Promise<void>;
  /** The WorkspaceMembers resources in the state, oldest first. */
  resources(): Promise<RecordedResource[]>;
  /** What ran since the last call, as one or more lines. */
  takeActivity(): string[];
  /** The end of what the plugin or the CLI printed, to explain an unexpected error. */
  diagnostics(): string;
  close(): Promise<void>;
}

/** A demo step: prints its own plan and details, and returns what did not match. */
interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<Problems>;
}

/** The demo's steps as the Pulumi engine plays them, through the plugin (`npm run demo`). */
class ModelDriver implements DemoDriver {
  readonly activityLabel = "plugin";
  private readonly calls: CallRecord[] = [];
  private readonly engine: Engine;

  private constructor(
    private readonly plugin: PluginProcess,
    readonly description: string[],
  ) {
    this.engine = new Engine(plugin, { onCall: (call) => this.calls.push(call) });
  }

  static async start(emulator: Emulator): Promise<ModelDriver> {
    const plugin = await startPlugin({ cwd: REPO_ROOT });
    await plugin.configure({ ...stackConfig(emulator), "openrouter:managementKey": secret(emulator.managementKey) });
    return new ModelDriver(plugin, [
      "@pulumi/pulumi/cmd/dynamic-provider, configured as a stack would be:",
      `openrouter:managementKey [secret]  openrouter:baseUrl ${emulator.url}`,
      `openrouter:batchSize ${BATCH_SIZE}  openrouter:concurrency ${CONCURRENCY}`,
    ]);
  }

  async preview(program: DemoProgram): Promise<ResourcePlan[]> {
    return describePlan(await this.engine.preview(await this.capture(program)), this.engine.resources);
  }

  async apply(program: DemoProgram): Promise<void> {
    await this.engine.up(await this.capture(program));
  }

  async refresh(): Promise<void> {
    await this.engine.refresh();
  }

  async destroy(): Promise<void> {
    await this.engine.destroy();
  }

  async resources(): Promise<RecordedResource[]> {
    return this.engine.resources;
  }

  takeActivity(): string[] {
    const summary = callSummary(this.calls);
    this.calls.length = 0;
    return [summary];
  }

  diagnostics(): string {
    return this.plugin.stderr.trim().split("\n").slice(-20).join("\n");
  }

  async close(): Promise<void> {
    await this.plugin.stop();
  }

  private capture({ users, onboarding }: DemoProgram): Promise<Registration[]> {
    return captureRegistrations(
      () => {
        quickstart(users);
        if (onboarding) new openrouter.WorkspaceMembers(onboarding.name, { workspaceId: onboarding.workspaceId, userIds: [...onboarding.userIds] });
      },
      { project: "openrouter-quickstart", stack: "demo" },
    );
  }
}

/** Stack config the provider gets besides the key: the emulator, and small visible chunks. */
function stackConfig(emulator: Emulator): Record<string, string> {
  return {
    "openrouter:baseUrl": emulator.url,
    "openrouter:batchSize": String(BATCH_SIZE),
    "openrouter:concurrency": String(CONCURRENCY),
  };
}

/** Checks the emulator's members of each workspace and the users recorded for each resource. */
async function checkWorld(
  ctx: DemoContext,
  members: Record<string, readonly string[]>,
  recorded: Record<string, readonly string[]>,
): Promise<Problems> {
  const problems: Problems = [];
  const memberLines: string[] = [];
  for (const [slug, expected] of Object.entries(members)) {
    const actual = ctx.emulator.memberIds(slug);
    memberLines.push(`${slug}: ${listIds(actual)}`);
    const difference = setDifference(`members of ${slug}`, actual, expected);
    if (difference) problems.push(difference);
  }
  const resources = await ctx.driver.resources();
  show(ctx, "members", memberLines);
  show(ctx, "state", resources.length === 0 ? ["empty"] : resources.map((r) => `${nameOf(r.urn)}: userIds ${listIds(recordedUsers(r))}`));
  const names = resources.map((r) => nameOf(r.urn));
  const stateDifference = setDifference("resources in the state", names, Object.keys(recorded));
  if (stateDifference) problems.push(stateDifference);
  for (const [name, expected] of Object.entries(recorded)) {
    const state = resources.find((r) => nameOf(r.urn) === name);
    if (!state) continue;
    const difference = setDifference(`userIds recorded for ${name}`, recordedUsers(state), expected);
    if (difference) problems.push(difference);
    if (state.initErrors?.length) problems.push(`${name} is recorded with initialization errors: ${state.initErrors.join("; ")}`);
  }
  return problems;
}

/** Ids for a person to read: all of them up to 6, else the first 3 and a count. */
function listIds(ids: readonly string[]): string {
  if (ids.length === 0) return "none";
  return ids.length > 6 ? `${ids.slice(0, 3).join(", ")} and ${ids.length - 3} more` : ids.join(", ");
}

function checkPlan(plans: ResourcePlan[], expected: Record<string, Pick<ResourcePlan, "op" | "added" | "removed">>): Problems {
  const problems: Problems = [];
  const names = plans.map((p) => p.name);
  const difference = setDifference("resources in the plan", names, Object.keys(expected));
  if (difference) problems.push(difference);
  for (const [name, want] of Object.entries(expected)) {
    const plan = plans.find((p) => p.name === name);
    if (!plan) continue;
    if (plan.op !== want.op) problems.push(`${name}: expected ${want.op}, the plan says ${plan.op}`);
    const added = setDifference(`${name}: users to add`, plan.added, want.added);
    const removed = setDifference(`${name}: users to remove`, plan.removed, want.removed);
    if (added) problems.push(added);
    if (removed) problems.push(removed);
    // The demo only ever edits user lists: any other property in the diff is noise a
    // reader would have to puzzle over (a refresh that rewrote the inputs, say).
    if (plan.op !== "same" && plan.changed.length > 0) {
      problems.push(`${name}: the diff also shows ${plan.changed.map((c) => `${c.kind} ${c.path}`).join(", ")}`);
    }
  }
  return problems;
}

function checkNoRequests(ctx: DemoContext): Problems {
  const count = ctx.emulator.log.entries.length;
  return count === 0 ? [] : [`a preview must not call the API, but the emulator received ${count} request(s)`];
}

/** Users sent in successful bulk adds and removes, to compare with the plan. */
function bulkUsers(ctx: DemoContext, route: "add" | "remove"): number {
  return ctx.emulator.log.entries
    .filter((e) => e.route === `POST /workspaces/:id/members/${route}` && e.status === 200)
    .reduce((sum, e) => sum + (e.userIdsCount ?? 0), 0);
}

function checkBulk(ctx: DemoContext, added: number, removed: number): Problems {
  const problems: Problems = [];
  if (bulkUsers(ctx, "add") !== added) problems.push(`expected ${added} users sent in bulk adds, the emulator received ${bulkUsers(ctx, "add")}`);
  if (bulkUsers(ctx, "remove") !== removed) problems.push(`expected ${removed} users in bulk removes, the emulator received ${bulkUsers(ctx, "remove")}`);
  return problems;
}

const total = (plans: ResourcePlan[]) => plans.reduce((sum, p) => sum + p.added.length + p.removed.length, 0);

/** Shows `plan` lines, indented under a label. */
function show(ctx: DemoContext, label: string, lines: string[]): void {
  const pad = label.padEnd(9);
  if (lines.length === 0) ctx.out.line(`   ${ctx.out.style.dim(pad)}none`);
  lines.forEach((line, index) => ctx.out.line(`   ${index === 0 ? ctx.out.style.dim(pad) : " ".repeat(9)}${line}`));
}

/**
 * Runs `work` while printing how many users the emulator has confirmed so far, when the
 * step changes enough users for that to be worth watching.
 */
async function withProgress<T>(ctx: DemoContext, expectedUsers: number, work: () => Promise<T>): Promise<T> {
  if (expectedUsers < PROGRESS_THRESHOLD) return work();
  const draw = () => {
    const done = bulkUsers(ctx, "add") + bulkUsers(ctx, "remove");
    const width = 24;
    const filled = Math.min(width, Math.round((done / expectedUsers) * width));
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    ctx.out.progress(`   ${ctx.out.style.dim("progress ")}${bar} ${done}/${expectedUsers} users`);
  };
  draw();
  const timer = setInterval(draw, 25);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    draw();
    ctx.out.clearProgress();
  }
}

/** `pulumi up`: the preview (shown as the plan), then the update. */
async function up(ctx: DemoContext, program: DemoProgram): Promise<ResourcePlan[]> {
  const plans = await preview(ctx, program);
  await withProgress(ctx, total(plans), () => ctx.driver.apply(program));
  return plans;
}

async function preview(ctx: DemoContext, program: DemoProgram): Promise<ResourcePlan[]> {
  const plans = await ctx.driver.preview(program);
  show(ctx, "plan", planLines(plans, ctx.out.style));
  return plans;
}

/**
 * The users of each act, derived from the quickstart's own list and the seeded workspace so
 * the story follows the example if its list changes.
 */
export interface Cast {
  /** The quickstart's list as written. */
  original: string[];
  /** The workspace's members before the demo (some of them adopted at create). */
  seeded: string[];
  /** Leaves in the edit. */
  leaver: string;
  /** Join in the edit. */
  joiners: string[];
  /** The list after the edit. */
  edited: string[];
  /** Removed by hand, then restored. */
  drifted: string;
}

/** Picks the {@link Cast}: the edit drops the first listed user who was not already a member. */
export function castFor(original: readonly string[], seeded: readonly string[]): Cast {
  const leaver = original.find((u) => !seeded.includes(u)) ?? original[0]!;
  const joiners = ["user_frank", "user_heidi"].filter((u) => !original.includes(u));
  const edited = [...original.filter((u) => u !== leaver), ...joiners].sort();
  const drifted = edited.find((u) => original.includes(u) && !seeded.includes(u)) ?? joiners[0]!;
  return { original: [...original].sort(), seeded: [...seeded].sort(), leaver, joiners, edited, drifted };
}

const union = (...lists: (readonly string[])[]): string[] => [...new Set(lists.flat())].sort();
const without = (list: readonly string[], ...ids: string[]): string[] => list.filter((u) => !ids.includes(u));
/** `alice`, `alice and bob`, `alice, bob and carol`, without the `user_` prefix. */
const names = (ids: readonly string[]): string => {
  const short = ids.map((u) => u.replace(/^user_/, ""));
  return short.length <= 1 ? (short[0] ?? "nobody") : `${short.slice(0, -1).join(", ")} and ${short.at(-1)}`;
};

/** The steps; `researchSeeded` are the members of `demo-research` before the demo. */
function demoSteps(cast: Cast, researchSeeded: readonly string[]): DemoStep[] {
  const { original, seeded, leaver, joiners, edited, drifted } = cast;
  // The large step: the program grows a second resource that onboards a whole team.
  const program = (users: readonly string[], onboard = false): DemoProgram =>
    onboard ? { users, onboarding: { name: "research", workspaceId: RESEARCH, userIds: NEW_HIRES } } : { users };
  const add = (...users: string[]) => ({ added: users, removed: [] as string[] });
  const adopted = original.filter((u) => seeded.includes(u));
  const editPlan = { op: "update" as const, added: joiners, removed: [leaver] };
  const repairPlan = { platform: { op: "update" as const, ...add(drifted) }, research: { op: "same" as const, ...add() } };
  const afterEdit = union(seeded, edited);

  return [
    {
      title: "Preview: the quickstart as written (nothing deployed yet)",
      async run(ctx) {
        show(ctx, "program", [`quickstart() from examples/quickstart: workspace ${PLATFORM}, userIds ${original.join(", ")}`]);
        const plans = await preview(ctx, program(original));
        return [...checkPlan(plans, { platform: { op: "create", ...add(...original) } }), ...checkNoRequests(ctx)];
      },
    },
    {
      title: `Up: create${adopted.length ? ` (${names(adopted)} ${adopted.length === 1 ? "is already a member" : "are already members"}: adopted, not re-added)` : ""}`,
      async run(ctx) {
        const plans = await up(ctx, program(original));
        return [
          ...checkPlan(plans, { platform: { op: "create", ...add(...original) } }),
          ...checkBulk(ctx, original.length, 0),
          ...(await checkWorld(ctx, { [PLATFORM]: union(seeded, original) }, { platform: original })),
        ];
      },
    },
    {
      title: `Edit the list and preview: ${names([leaver])} leaves, ${names(joiners)} join`,
      async run(ctx) {
        show(ctx, "program", [`quickstart([${edited.map((u) => JSON.stringify(u)).join(", ")}])`]);
        const plans = await preview(ctx, program(edited));
        return [...checkPlan(plans, { platform: editPlan }), ...checkNoRequests(ctx)];
      },
    },
    {
      title: "Up: only the change is sent",
      async run(ctx) {
        const plans = await up(ctx, program(edited));
        return [
          ...checkPlan(plans, { platform: editPlan }),
          ...checkBulk(ctx, joiners.length, 1),
          ...(await checkWorld(ctx, { [PLATFORM]: afterEdit }, { platform: edited })),
        ];
      },
    },
    {
      title: `Edit and up: onboard ${NEW_HIRES.length} new hires into ${RESEARCH} (a second resource)`,
      async run(ctx) {
        show(ctx, "program", [
          `+ new WorkspaceMembers("research", { workspaceId: "${RESEARCH}", userIds: [${NEW_HIRES.length} users] })`,
          `chunks of ${BATCH_SIZE} users, ${CONCURRENCY} requests at a time`,
        ]);
        const plans = await up(ctx, program(edited, true));
        return [
          ...checkPlan(plans, { platform: { op: "same", ...add() }, research: { op: "create", ...add(...NEW_HIRES) } }),
          ...checkBulk(ctx, NEW_HIRES.length, 0),
          ...(await checkWorld(ctx, { [PLATFORM]: afterEdit, [RESEARCH]: union(researchSeeded, NEW_HIRES) }, { platform: edited, research: NEW_HIRES })),
        ];
      },
    },
    {
      title: `A change by hand: someone removes ${names([drifted])} from ${PLATFORM} in the dashboard`,
      async run(ctx) {
        ctx.emulator.removeMembers(PLATFORM, [drifted]);
        show(ctx, "by hand", [`emulator admin: remove ${drifted} from ${PLATFORM}; the state still lists them`]);
        return checkWorld(ctx, { [PLATFORM]: without(afterEdit, drifted) }, { platform: edited, research: NEW_HIRES });
      },
    },
    {
      title: "Refresh: the drift shows",
      async run(ctx) {
        const before = await ctx.driver.resources();
        await ctx.driver.refresh();
        const drift = describeDrift(before, await ctx.driver.resources());
        show(ctx, "drift", planLines(drift, ctx.out.style));
        return [
          ...checkPlan(drift, { platform: { op: "drift", added: [], removed: [drifted] }, research: { op: "same", ...add() } }),
          ...(await checkWorld(ctx, { [PLATFORM]: without(afterEdit, drifted) }, { platform: without(edited, drifted), research: NEW_HIRES })),
        ];
      },
    },
    {
      title: `Preview: the program still lists ${names([drifted])}, so the repair shows`,
      async run(ctx) {
        const plans = await preview(ctx, program(edited, true));
        return [...checkPlan(plans, repairPlan), ...checkNoRequests(ctx)];
      },
    },
    {
      title: "Up: the repair",
      async run(ctx) {
        const plans = await up(ctx, program(edited, true));
        return [
          ...checkPlan(plans, repairPlan),
          ...checkBulk(ctx, 1, 0),
          ...(await checkWorld(ctx, { [PLATFORM]: afterEdit }, { platform: edited, research: NEW_HIRES })),
        ];
      },
    },
    {
      title: "Destroy: every managed user leaves; everyone else stays",
      async run(ctx) {
        const recorded = await ctx.driver.resources();
        const plans = describePlan([...recorded].reverse().map((state) => ({ urn: state.urn, op: "delete" as const })), recorded);
        show(ctx, "plan", planLines(plans, ctx.out.style));
        await withProgress(ctx, total(plans), () => ctx.driver.destroy());
        return [
          ...checkBulk(ctx, 0, edited.length + NEW_HIRES.length),
          ...(await checkWorld(ctx, { [PLATFORM]: without(seeded, ...edited), [RESEARCH]: researchSeeded }, {})),
        ];
      },
    },
  ];
}

/** Options of {@link runDemo}; the defaults are the command line's. */
export interface DemoOptions {
  /** Default `process.stdout`. */
  output?: DemoStream;
  /** Read for `NO_COLOR` and `TERM`. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Called before step `index` (from 0) runs: lets a test change the emulator behind the
   * demo's back, to prove that the step's checks catch it.
   */
  beforeStep?: (index: number, emulator: Emulator) => void;
  /** Run the steps through this Pulumi CLI instead of through the plugin alone. */
  cli?: PulumiCli;
}

/** Runs the demo; resolves with the process exit code: 0 when every step matched, else 1. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = new Output(options.output ?? process.stdout, options.env ?? process.env);
  const { bold, dim, green, red } = out.style;
  const started = performance.now();
  out.line(bold("pulumi-openrouter demo"));
  out.line(
    dim(
      options.cli
        ? "The quickstart stack through the real Pulumi CLI, against the OpenRouter emulator."
        : "The quickstart program through Pulumi's own dynamic-provider plugin, against the OpenRouter emulator.",
    ),
  );
  out.line();

  let emulator: Emulator | undefined;
  let driver: DemoDriver | undefined;
  try {
    emulator = await startEmulator({ seed: "demo", latencyMs: LATENCY_MS });
    seedDemoOrganization(emulator);
    emulator.addUsers(NEW_HIRES);
    driver = options.cli ? await startCliDriver(options.cli, emulator, stackConfig(emulator)) : await ModelDriver.start(emulator);
    const ctx: DemoContext = { emulator, driver, out };

    out.line(bold("Start"));
    show(ctx, "emulator", [`${emulator.url}  (seeded demo organization, ${LATENCY_MS} ms a request)`]);
    show(
      ctx,
      "org",
      [PLATFORM, RESEARCH].map((slug) => `${slug} ${emulator!.workspace(slug)!.id.slice(0, 8)}…: ${emulator!.memberIds(slug).join(", ")}`),
    );
    show(ctx, "", [`+ ${NEW_HIRES.length} organization users for the large step (${NEW_HIRES[0]} … ${NEW_HIRES.at(-1)})`]);
    show(ctx, driver.activityLabel, driver.description);
    driver.takeActivity();
    out.line();

    const steps = demoSteps(castFor(QUICKSTART_USERS, emulator.memberIds(PLATFORM)), emulator.memberIds(RESEARCH));
    for (const [index, step] of steps.entries()) {
      out.line(bold(`${index + 1}/${steps.length}  ${step.title}`));
      options.beforeStep?.(index, emulator);
      emulator.log.clear();
      const stepStarted = performance.now();
      let problems: Problems;
      try {
        problems = await step.run(ctx);
      } catch (error) {
        problems = [`unexpected error: ${(error as Error).stack ?? String(error)}`];
        const diagnostics = driver.diagnostics();
        if (diagnostics) problems.push(`${driver.activityLabel} output:\n${diagnostics}`);
      }
      show(ctx, driver.activityLabel, driver.takeActivity());
      show(ctx, "API", requestLines(emulator.log.entries, out.style));
      const time = formatMs(performance.now() - stepStarted);
      if (problems.length > 0) {
        out.line(`   ${red("✗ did not match")} (${time}):`);
        for (const problem of problems) out.line(`     ${red(problem)}`);
        out.line();
        out.line(red(`Step ${index + 1} did not go as expected; stopping.`));
        return 1;
      }
      out.line(`   ${green("✓ as expected")} ${dim(`(${time})`)}`);
      out.line();
    }
    out.line(green(bold(`All ${steps.length} steps matched what they expected, in ${formatMs(performance.now() - started)}.`)));
    return 0;
  } catch (error) {
    out.line(red(`The demo could not run: ${(error as Error).stack ?? String(error)}`));
    return 1;
  } finally {
    await driver?.close();
    await emulator?.close();
  }
}

if (require.main === module) {
  const wantsCli = process.argv.slice(2).includes("--cli");
  const cli = wantsCli ? findPulumiCli() : undefined;
  if (cli && "missing" in cli) {
    console.error(`npm run demo -- --cli: ${cli.missing}`);
    process.exitCode = 1;
  } else {
    void runDemo({ cli }).then((code) => {
      process.exitCode = code;
    });
  }
}
