/**
 * Three ways to carry out the same membership changes, measured side by side:
 *
 * - `ours`: the provider's lifecycle, loaded from `lib/` exactly as the plugin loads it.
 * - `sdk`: the same chunked algorithm (chunks of `batchSize`, `concurrency` in flight, pages
 *   fetched in parallel once `total_count` is known) written on the official
 *   `@openrouter/sdk`, so only the HTTP client differs.
 * - `naive`: the per-member resource style, one add or remove call per user, at the same
 *   concurrency, on our client.
 */
import { join } from "node:path";
import type * as Lifecycle from "../provider/lifecycle";
import type * as Client from "../provider/client";
import type * as Bounded from "../provider/bounded";

/* eslint-disable @typescript-eslint/no-require-imports -- the built package, as the plugin loads it */
const libDir = join(__dirname, "..", "lib");
const loadLifecycle = (): typeof Lifecycle => require(join(libDir, "lifecycle.js"));
const loadClient = (): typeof Client => require(join(libDir, "client.js"));
const loadBounded = (): typeof Bounded => require(join(libDir, "bounded.js"));
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
  update(workspace: string, userIds: string[]): Promise<void>;
  refresh(workspace: string): Promise<number>;
  remove(workspace: string): Promise<void>;
}

type Outputs = Record<string, unknown>;

/** The provider's lifecycle, called as the plugin calls it: checked inputs in, outputs kept as state. */
export async function oursDriver(target: Target): Promise<MembersDriver & { diff(workspace: string, userIds: string[]): Promise<boolean | undefined> }> {
  const lifecycle = loadLifecycle();
  const config: Record<string, string> = {
    "openrouter:managementKey": target.managementKey,
    "openrouter:baseUrl": target.baseUrl,
    "openrouter:concurrency": String(target.concurrency),
    "openrouter:batchSize": String(target.batchSize),
  };
  await lifecycle.configure({ config: { get: (key: string) => config[key] } } as never);
  const states = new Map<string, { id: string; outs: Outputs }>();
  const checked = async (workspace: string, userIds: string[], exclusive: boolean) => {
    const answer = await lifecycle.check({}, { workspaceId: workspace, userIds, exclusive });
    if (answer.failures?.length) throw new Error(`check failed: ${JSON.stringify(answer.failures)}`);
    return { ...answer.inputs, __provider: "bench" } as Outputs;
  };
  const state = (workspace: string) => {
    const found = states.get(workspace);
    if (!found) throw new Error(`no state for ${workspace}`);
    return found;
  };
  return {
    async create(workspace, userIds, exclusive) {
      const inputs = await checked(workspace, userIds, exclusive);
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

interface SdkMember {
  userId: string;
}

/**
 * The provider's algorithm on `@openrouter/sdk`: same chunks, same concurrency, same page
 * plan; state is the set of managed user ids.
 */
export async function sdkDriver(target: Target): Promise<MembersDriver> {
  const { OpenRouter } = await import("@openrouter/sdk");
  const sdk = new OpenRouter({ apiKey: target.managementKey, serverURL: target.baseUrl });
  const { runBounded } = loadBounded();
  const managed = new Map<string, { uuid: string; userIds: Set<string> }>();

  const applyChunks = async (uuid: string, add: string[], remove: string[]): Promise<void> => {
    const batches = [
      ...chunks(add, target.batchSize).map((userIds) => ({ add: true, userIds })),
      ...chunks(remove, target.batchSize).map((userIds) => ({ add: false, userIds })),
    ];
    const outcome = await runBounded(batches, target.concurrency, async (batch) => {
      const request = { id: uuid, bulkAddWorkspaceMembersRequest: { userIds: batch.userIds } };
      if (batch.add) await sdk.workspaces.bulkAddMembers(request);
      else await sdk.workspaces.bulkRemoveMembers({ id: uuid, bulkRemoveWorkspaceMembersRequest: { userIds: batch.userIds } });
    });
    if (outcome.errors.length > 0) throw outcome.errors[0];
  };
  const listAll = async (uuid: string): Promise<SdkMember[]> => {
    const page = async (offset: number) => (await sdk.workspaces.listMembers({ id: uuid, offset, limit: 100 })).result;
    const first = await page(0);
    const offsets: number[] = [];
    for (let offset = first.data.length; first.data.length > 0 && offset < first.totalCount; offset += first.data.length) offsets.push(offset);
    const outcome = await runBounded(offsets, target.concurrency, page);
    if (outcome.errors.length > 0) throw outcome.errors[0];
    return [first, ...outcome.results].flatMap((p) => p?.data ?? []);
  };
  const entry = (workspace: string) => {
    const found = managed.get(workspace);
    if (!found) throw new Error(`no state for ${workspace}`);
    return found;
  };

  return {
    async create(workspace, userIds, exclusive) {
      const uuid = (await sdk.workspaces.get({ id: workspace })).data.id;
      const wanted = new Set(userIds);
      const others = exclusive ? (await listAll(uuid)).map((m) => m.userId).filter((u) => !wanted.has(u)) : [];
      await applyChunks(uuid, [...wanted].sort(), others.sort());
      managed.set(workspace, { uuid, userIds: wanted });
    },
    async update(workspace, userIds) {
      const old = entry(workspace);
      const wanted = new Set(userIds);
      const add = [...wanted].filter((u) => !old.userIds.has(u)).sort();
      const remove = [...old.userIds].filter((u) => !wanted.has(u)).sort();
      await applyChunks(old.uuid, add, remove);
      managed.set(workspace, { uuid: old.uuid, userIds: wanted });
    },
    async refresh(workspace) {
      const old = entry(workspace);
      const present = (await listAll(old.uuid)).filter((m) => old.userIds.has(m.userId));
      old.userIds = new Set(present.map((m) => m.userId));
      return old.userIds.size;
    },
    async remove(workspace) {
      const old = entry(workspace);
      await applyChunks(old.uuid, [], [...old.userIds].sort());
      managed.delete(workspace);
    },
  };
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

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}
