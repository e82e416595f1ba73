/**
 * Three ways to carry out the same membership changes, measured side by side:
 *
 * - `ours`: the provider's lifecycle, loaded from `lib/` exactly as the plugin loads it.
 * - `sdk`: the provider's algorithm (check, planning, ledger, bounded chunks, page plan,
 *   outputs) from the same `lib/` modules, with the official `@openrouter/sdk` as the HTTP
 *   client: only the client differs.
 * - `naive`: the per-member resource style, one add or remove call per user, at the same
 *   concurrency, on our client.
 */
import { join } from "node:path";
import type * as Lifecycle from "../provider/members/lifecycle";
import type * as GuardrailsLifecycle from "../provider/guardrails/lifecycle";
import type * as Client from "../provider/api/client";
import type * as Apply from "../provider/membership/apply";
import type * as Bounded from "../provider/core/bounded";
import type * as Sets from "../provider/core/sets";
import type * as Inputs from "../provider/members/inputs";
import type * as Ledger from "../provider/membership/ledger";
import type * as Plan from "../provider/membership/plan";
import type { Membership } from "../provider/api/types";
import type { OpenRouter } from "@openrouter/sdk";

/* eslint-disable @typescript-eslint/no-require-imports -- the built package, as the plugin loads it */
const libDir = join(__dirname, "..", "lib");
const loadLifecycle = (): typeof Lifecycle => require(join(libDir, "members", "lifecycle.js"));
const loadGuardrailsLifecycle = (): typeof GuardrailsLifecycle => require(join(libDir, "guardrails", "lifecycle.js"));
const loadClient = (): typeof Client => require(join(libDir, "api", "client.js"));
const loadBounded = (): typeof Bounded => require(join(libDir, "core", "bounded.js"));
const loadSets = (): typeof Sets => require(join(libDir, "core", "sets.js"));
const loadApply = (): typeof Apply => require(join(libDir, "membership", "apply.js"));
const loadInputs = (): typeof Inputs => require(join(libDir, "members", "inputs.js"));
const loadPlan = (): typeof Plan => require(join(libDir, "membership", "plan.js"));
const loadLedger = (): typeof Ledger => require(join(libDir, "membership", "ledger.js"));
/* eslint-enable @typescript-eslint/no-require-imports */

/** Where the emulator is and how the provider is tuned. */
export interface Target {
  baseUrl: string;
  managementKey: string;
  concurrency: number;
  batchSize: number;
}

/** One implementation of the scenarios' operations. State between them is the driver's own. */
export interface MembersDriver {
  create(workspace: string, userIds: string[], exclusive: boolean): Promise<void>;
  /** An additive create of people named by email (only ours: the others have no directory). */
  createByEmail?(workspace: string, emails: string[]): Promise<void>;
  update(workspace: string, userIds: string[]): Promise<void>;
  refresh(workspace: string): Promise<number>;
  remove(workspace: string): Promise<void>;
}

type Outputs = Record<string, unknown>;

/** Points a lifecycle module at the target, as the plugin's `configure` does with stack config. */
async function configureFor(lifecycle: { configure: typeof Lifecycle.configure }, target: Target): Promise<void> {
  const config: Record<string, string> = {
    "openrouter:managementKey": target.managementKey,
    "openrouter:baseUrl": target.baseUrl,
    "openrouter:concurrency": String(target.concurrency),
    "openrouter:batchSize": String(target.batchSize),
  };
  await lifecycle.configure({ config: { get: (key: string) => config[key] } } as never);
}

/** The provider's lifecycle, called as the plugin calls it: checked inputs in, outputs kept as state. */
export async function oursDriver(target: Target): Promise<MembersDriver & { diff(workspace: string, userIds: string[]): Promise<boolean | undefined> }> {
  const lifecycle = loadLifecycle();
  await configureFor(lifecycle, target);
  const states = new Map<string, { id: string; outs: Outputs }>();
  const checked = async (workspace: string, userIds: string[], exclusive: boolean, emails?: string[]) => {
    const answer = await lifecycle.check({}, { workspaceId: workspace, userIds, exclusive, ...(emails === undefined ? {} : { emails }) });
    if (answer.failures?.length) throw new Error(`check failed: ${JSON.stringify(answer.failures)}`);
    return { ...answer.inputs, __provider: "bench" } as Outputs;
  };
  const state = (workspace: string) => stateOf(states, workspace);
  return {
    async create(workspace, userIds, exclusive) {
      const inputs = await checked(workspace, userIds, exclusive);
      const { id, outs } = await lifecycle.create(inputs);
      states.set(workspace, { id, outs: outs as Outputs });
    },
    async createByEmail(workspace, emails) {
      const inputs = await checked(workspace, [], false, emails);
      const { id, outs } = await lifecycle.create(inputs);
      states.set(workspace, { id, outs: outs as Outputs });
    },
    async diff(workspace, userIds) {
      const old = state(workspace);
      const inputs = await checked(workspace, userIds, old.outs.exclusive === true);
      return (await lifecycle.diff(old.id, old.outs, inputs)).changes;
    },
    async update(workspace, userIds) {
      const old = state(workspace);
      const inputs = await checked(workspace, userIds, old.outs.exclusive === true);
      const { outs } = await lifecycle.update(old.id, old.outs, inputs);
      states.set(workspace, { id: old.id, outs: outs as Outputs });
    },
    async refresh(workspace) {
      const old = state(workspace);
      const answer = await lifecycle.read(old.id, old.outs);
      states.set(workspace, { id: answer.id ?? old.id, outs: answer.props as Outputs });
      return (answer.props?.userIds as string[]).length;
    },
    async remove(workspace) {
      const old = state(workspace);
      await lifecycle.remove(old.id, old.outs);
      states.delete(workspace);
    },
  };
}

/** A guardrail's direct members through `GuardrailMembers`' lifecycle, as the plugin calls it. */
export interface GuardrailDriver {
  /** Adopts `userIds` (already assigned): a create whose assigns change nothing. */
  create(guardrailId: string, userIds: string[]): Promise<void>;
  /** The managed users a refresh finds. */
  refresh(guardrailId: string): Promise<number>;
}

export async function oursGuardrailDriver(target: Target): Promise<GuardrailDriver> {
  const lifecycle = loadGuardrailsLifecycle();
  await configureFor(lifecycle, target);
  const states = new Map<string, Outputs>();
  return {
    async create(guardrailId, userIds) {
      const answer = await lifecycle.check({}, { guardrailId, userIds });
      if (answer.failures?.length) throw new Error(`check failed: ${JSON.stringify(answer.failures)}`);
      const { outs } = await lifecycle.create({ ...answer.inputs, __provider: "bench" });
      states.set(guardrailId, outs as Outputs);
    },
    async refresh(guardrailId) {
      const old = states.get(guardrailId);
      if (old === undefined) throw new Error(`no state for guardrail ${guardrailId}`);
      const answer = await lifecycle.read(guardrailId, old);
      states.set(guardrailId, answer.props as Outputs);
      return (answer.props?.userIds as string[]).length;
    },
  };
}

/** Every organization member's email by user id, from the directory (untimed set-up). */
export async function organizationEmails(target: Target): Promise<Map<string, string>> {
  const { OpenRouterClient } = loadClient();
  const client = new OpenRouterClient({ baseUrl: target.baseUrl, managementKey: target.managementKey });
  const members = await client.listOrganizationMembers({ concurrency: target.concurrency });
  return new Map(members.map((member) => [member.userId, member.email]));
}

/**
 * The provider's algorithm with only the HTTP client swapped for `@openrouter/sdk`.
 *
 * Shared with `ours`, loaded from the same `lib/` modules: the input check (`checkInputs`,
 * which validates every id and returns the sets as keyed maps), the pure planning
 * (`planCreate` / `planUpdate` / `planDelete`), the sending of a plan (`applyChanges`:
 * chunks, adds and removes in one bounded queue, the `MembershipLedger` recording only
 * what the answers returned), the page plan of a listing (first page, then the rest in
 * parallel once `total_count` is known), and the outputs (sorted `userIds` and
 * `memberships`; a refresh also builds the keyed-map inputs it hands back).
 *
 * Different: the requests and answers go through the SDK's client and its own models,
 * mapped here to our `Membership` (the routes `applyChanges` is given). Left out, since the
 * benchmark never meets them: `protectedUserIds` and `maxRemovals` (never set), the
 * provider's repair of an inconsistent old state, and its partial-failure state: any
 * failure here simply throws.
 */
export async function sdkDriver(target: Target): Promise<MembersDriver> {
  const { OpenRouter } = await import("@openrouter/sdk");
  const sdk = new OpenRouter({ apiKey: target.managementKey, serverURL: target.baseUrl });
  const { checkInputs } = loadInputs();
  const { planCreate, planUpdate, planDelete } = loadPlan();
  const { readIds, toIdMap } = loadSets();
  const { MembershipLedger } = loadLedger();
  const { applyChanges } = loadApply();
  const { runBounded } = loadBounded();
  const states = new Map<string, Lifecycle.MembersState>();

  const checked = (workspace: string, userIds: string[], exclusive: boolean) => {
    const answer = checkInputs({}, { workspaceId: workspace, userIds, exclusive });
    if (answer.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(answer.failures)}`);
    // Read as the provider's readDesired reads it: in place, never sorted.
    return { workspaceId: workspace, userIds: readIds(answer.inputs.userIds), exclusive: answer.inputs.exclusive === true };
  };
  const listAll = async (uuid: string): Promise<Membership[]> => {
    const page = async (offset: number) => (await sdk.workspaces.listMembers({ id: uuid, offset, limit: 100 })).result;
    const first = await page(0);
    const offsets: number[] = [];
    for (let offset = first.data.length; first.data.length > 0 && offset < first.totalCount; offset += first.data.length) offsets.push(offset);
    const outcome = await runBounded(offsets, target.concurrency, page);
    if (outcome.errors.length > 0) throw outcome.errors[0];
    return [first, ...outcome.results].flatMap((p) => (p?.data ?? []).map(toMembership));
  };
  /** Sends the plan's chunks and returns the record: `known` but the spared, changed only by answers. */
  const applyPlan = async <T extends { userId: string }>(uuid: string, plan: Plan.MemberPlan, known: readonly T[]) => {
    const spared = new Set(plan.spared);
    const ledger = new MembershipLedger<T | Membership>(known.filter((m) => !spared.has(m.userId)));
    const routes: Apply.MemberRoutes<Membership> = {
      add: async (userIds) => (await sdk.workspaces.bulkAddMembers({ id: uuid, bulkAddWorkspaceMembersRequest: { userIds } })).data.map(toMembership),
      remove: async (userIds) => (await sdk.workspaces.bulkRemoveMembers({ id: uuid, bulkRemoveWorkspaceMembersRequest: { userIds } })).removedCount,
      list: () => listAll(uuid),
    };
    const outcome = await applyChanges(routes, plan, ledger, target);
    if (outcome.failures.length > 0) throw new Error(outcome.failures.join("; "));
    return ledger as Ledger.MembershipLedger<Membership>;
  };
  const toState = (desired: { workspaceId: string; exclusive: boolean }, uuid: string, slug: string | undefined, ledger: Ledger.MembershipLedger<Membership>): Lifecycle.MembersState => ({
    workspaceId: desired.workspaceId,
    workspaceUuid: uuid,
    ...(slug === undefined ? {} : { workspaceSlug: slug }),
    ...ledger.snapshot(),
    emails: [],
    emailUserIds: {},
    doublyNamedUserIds: [],
    exclusive: desired.exclusive,
    protectedUserIds: [],
  });
  const state = (workspace: string) => stateOf(states, workspace);

  return {
    async create(workspace, userIds, exclusive) {
      const desired = checked(workspace, userIds, exclusive);
      const { id: uuid, slug } = (await sdk.workspaces.get({ id: workspace })).data;
      const current = desired.exclusive ? await listAll(uuid) : undefined;
      const plan = planCreate({ wanted: desired.userIds, exclusive: desired.exclusive, currentMembers: current?.map((m) => m.userId) });
      const ledger = await applyPlan(uuid, plan, current ?? []);
      states.set(workspace, toState(desired, uuid, slug, ledger));
    },
    async update(workspace, userIds) {
      const old = state(workspace);
      const desired = checked(workspace, userIds, old.exclusive);
      const current = desired.exclusive ? await listAll(old.workspaceUuid) : undefined;
      const plan = planUpdate({
        oldManaged: old.userIds,
        wanted: desired.userIds,
        exclusive: desired.exclusive,
        currentMembers: current?.map((m) => m.userId),
      });
      const ledger = await applyPlan(old.workspaceUuid, plan, current ?? old.memberships);
      states.set(workspace, toState(desired, old.workspaceUuid, old.workspaceSlug, ledger));
    },
    async refresh(workspace) {
      const old = state(workspace);
      const managed = new Set(old.userIds);
      const present = (await listAll(old.workspaceUuid)).filter((m) => managed.has(m.userId) || old.exclusive);
      const outs = toState(old, old.workspaceUuid, old.workspaceSlug, new MembershipLedger(present));
      // What read hands back beside the outputs: the checked-input form of the set.
      toIdMap(outs.userIds);
      states.set(workspace, outs);
      return outs.userIds.length;
    },
    async remove(workspace) {
      const old = state(workspace);
      const plan = planDelete({ managed: old.userIds });
      // As the provider's delete: each user recorded until its removal is confirmed.
      await applyPlan(old.workspaceUuid, plan, plan.remove.map((userId) => ({ userId })));
      states.delete(workspace);
    },
  };
}

/** The SDK's own membership model (its subpath exports need a newer module resolution than ours). */
type SdkMembership = Awaited<ReturnType<OpenRouter["workspaces"]["bulkAddMembers"]>>["data"][number];

/** The SDK's membership model as ours (the same fields; the SDK's role is an open enum). */
function toMembership(m: SdkMembership): Membership {
  return { id: m.id, userId: m.userId, workspaceId: m.workspaceId, role: m.role, createdAt: m.createdAt };
}

/**
 * One add or remove call per user (what a resource per membership costs), at the same
 * concurrency and on the same client as ours. Only create, update and delete are defined:
 * reading is the same listing either way.
 */
export function naiveDriver(target: Target): Pick<MembersDriver, "create" | "update" | "remove"> & { close(): Promise<void> } {
  const { OpenRouterClient } = loadClient();
  const { runBounded } = loadBounded();
  const client = new OpenRouterClient({ baseUrl: target.baseUrl, managementKey: target.managementKey, connections: Math.max(8, target.concurrency * 2) });
  const managed = new Map<string, { uuid: string; userIds: Set<string> }>();
  const perUser = async (uuid: string, add: string[], remove: string[]): Promise<void> => {
    const calls = [...add.map((u) => ({ add: true, u })), ...remove.map((u) => ({ add: false, u }))];
    const outcome = await runBounded(calls, target.concurrency, async ({ add: adding, u }) => {
      if (adding) await client.addMembers(uuid, [u]);
      else await client.removeMembers(uuid, [u]);
    });
    if (outcome.errors.length > 0) throw outcome.errors[0];
  };
  const entry = (workspace: string) => {
    const found = managed.get(workspace);
    if (!found) throw new Error(`no state for ${workspace}`);
    return found;
  };
  return {
    async create(workspace, userIds) {
      const uuid = (await client.getWorkspace(workspace)).id;
      await perUser(uuid, userIds, []);
      managed.set(workspace, { uuid, userIds: new Set(userIds) });
    },
    async update(workspace, userIds) {
      const old = entry(workspace);
      const wanted = new Set(userIds);
      await perUser(old.uuid, userIds.filter((u) => !old.userIds.has(u)), [...old.userIds].filter((u) => !wanted.has(u)));
      managed.set(workspace, { uuid: old.uuid, userIds: wanted });
    },
    async remove(workspace) {
      const old = entry(workspace);
      await perUser(old.uuid, [], [...old.userIds]);
      managed.delete(workspace);
    },
    close: () => client.close(),
  };
}

/** The recorded state of a workspace's resource; the scenarios always create before they use it. */
function stateOf<T>(states: ReadonlyMap<string, T>, workspace: string): T {
  const found = states.get(workspace);
  if (found === undefined) throw new Error(`no state for ${workspace}`);
  return found;
}
