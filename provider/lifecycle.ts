/**
 * The `WorkspaceMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * This module is loaded only at call time, inside the plugin (see load-implementation.ts),
 * so it may use zod and undici freely. It is glue: the rules live in plan.ts (what to add
 * and remove), inputs.ts (what is valid) and ledger.ts (what may be recorded); the stack
 * config and the client in connection.ts; the HTTP in client.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { runBounded } from "./bounded";
import type { OpenRouterClient } from "./client";
import { connect, keepStackConfig } from "./connection";
import { OpenRouterApiError, OpenRouterArgumentError, OpenRouterError } from "./errors";
import { checkInputs } from "./inputs";
import { MembershipLedger } from "./ledger";
import { checkRemovalLimit, chunk, diffMembers, planCreate, planDelete, planUpdate, readIds, toIdMap, toIdSet, type IdSet, type MemberPlan } from "./plan";
import type { Settings } from "./settings";
import type { Membership } from "./types";

/** The outputs of a `WorkspaceMembers` resource, as stored in state. */
export interface MembersState {
  workspaceId: string;
  workspaceUuid: string;
  /** The workspace's slug, resolved at create: lets diff tell a slug from its own UUID without a call. */
  workspaceSlug?: string;
  userIds: string[];
  memberships: Membership[];
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
}

/**
 * A create or update that changed something and then failed. The plugin turns an error
 * carrying `id` and `properties` into "resource initialization failed" and stores
 * `properties` as the resource's state, so they say exactly what went through.
 */
export class PartialFailureError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    /** What `pulumi up` prints for the failure: the CLI shows these, never `message`. */
    readonly reasons: string[],
    /**
     * Users whose change was sent but could not be confirmed either way (the answer was lost
     * and so was the listing meant to settle it). The state errs on the side that converges:
     * an unconfirmed removal stays recorded (removing again is harmless), an unconfirmed add
     * is not (the next run adopts the user).
     */
    readonly unconfirmed: string[] = [],
  ) {
    super(message);
    this.name = "PartialFailureError";
  }
}

/** Keeps the stack config for the calls that follow (see connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

// ---------------------------------------------------------------------------------------
// check and diff: no HTTP, ever.

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkInputs(olds ?? {}, news ?? {});
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffMembers(olds, news);
}

// ---------------------------------------------------------------------------------------
// create, update, delete

/**
 * The checked inputs as plain values (check has already refused anything malformed). The
 * outputs echo every input, so read and delete take the same values from the state.
 */
interface Desired {
  workspaceId: string;
  /** Read, not copied: planning tests membership and never needs the 10,000 ids sorted. */
  userIds: IdSet;
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
  provider: unknown;
}

function readDesired(inputs: Record<string, unknown>): Desired {
  const maxRemovals = typeof inputs.maxRemovals === "number" ? inputs.maxRemovals : undefined;
  return {
    workspaceId: String(inputs.workspaceId),
    userIds: readIds(inputs.userIds),
    exclusive: inputs.exclusive === true,
    protectedUserIds: toIdSet(inputs.protectedUserIds),
    ...(maxRemovals === undefined ? {} : { maxRemovals }),
    provider: inputs.__provider,
  };
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs);
  const { settings, client } = connect();
  const workspace = await resolveWorkspace(client, desired.workspaceId);
  // Exclusive mode owns the whole workspace, so it starts from everyone who is there now.
  const current = desired.exclusive ? await client.listMembers(workspace.id, { concurrency: settings.concurrency }) : undefined;
  const plan = planCreate({
    wanted: desired.userIds,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: current?.map((m) => m.userId),
  });
  const target = { uuid: workspace.id, slug: workspace.slug };
  const outs = await apply(client, settings, "create", target, desired, plan, current ?? []);
  return { id: workspace.id, outs };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const desired = readDesired(news);
  const { settings, client } = connect();
  const target = stateTarget(id, olds);
  // Additive mode works from state alone (no list call); exclusive mode must see everyone.
  const current = desired.exclusive ? await client.listMembers(target.uuid, { concurrency: settings.concurrency }) : undefined;
  const managed = stateMemberships(olds);
  const plan = planUpdate({
    oldManaged: managed.map((m) => m.userId),
    unconfirmed: managed.filter((m) => m.id === "").map((m) => m.userId),
    wanted: desired.userIds,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: current?.map((m) => m.userId),
  });
  const outs = await apply(client, settings, "update", target, desired, plan, current ?? managed);
  return { outs };
}

/**
 * Carries out a plan and returns the outputs. Only what the service confirms changes the
 * record: it starts from the users kept and those still to be removed (members until a
 * removal is confirmed). On failure part-way, throws a `PartialFailureError` whose
 * properties are exactly that record.
 */
async function apply(
  client: OpenRouterClient,
  settings: Settings,
  operation: "create" | "update",
  target: WorkspaceRef,
  desired: Desired,
  plan: MemberPlan,
  known: Membership[],
): Promise<MembersState> {
  const limitError = checkRemovalLimit(plan.remove.length, desired.maxRemovals);
  if (limitError !== undefined) throw new Error(`${describe(operation, desired.workspaceId)}: ${limitError}`);

  // Every known member is kept, to be removed, to be confirmed again (recorded without a
  // confirmed membership), or spared (protected and no longer wanted: it leaves
  // management). The record starts from all but the spared, who are few.
  const spared = new Set(plan.spared);
  const ledger = new MembershipLedger(known.filter((m) => !spared.has(m.userId)));
  const result = await applyChanges(client, settings, target.uuid, plan.add, plan.remove, ledger);
  const outs = toState(desired, target, ledger);
  if (result.failures.length > 0) {
    const message =
      `${describe(operation, desired.workspaceId)} did not finish: ${result.failures.join("; ")}. ` +
      `Added ${result.added} of ${plan.add.length} and removed ${result.removed} of ${plan.remove.length} users; ` +
      "the state records exactly what went through, so running the update again finishes the rest.";
    if (operation === "create" && !result.changedAnything && result.unconfirmed.length === 0) throw new Error(message);
    const properties = { ...outs, __provider: desired.provider };
    throw new PartialFailureError(message, target.uuid, properties, [message], result.unconfirmed);
  }
  return outs;
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const target = stateTarget(id, props);
  let members: Membership[];
  try {
    members = await client.listMembers(target.uuid, { concurrency: settings.concurrency });
  } catch (error) {
    // The workspace is gone: an empty id takes the resource out of the state.
    if (error instanceof OpenRouterApiError && error.status === 404) return { id: "" };
    throw error;
  }
  const desired = readDesired(props);
  const protectedIds = new Set(desired.protectedUserIds);
  // What refresh reports: managed users still there and, in exclusive mode, anyone else
  // who is not protected (a member added by hand is drift the next update removes).
  const present = members.filter((m) => desired.userIds.has(m.userId) || (desired.exclusive && !protectedIds.has(m.userId)));
  const outs = toState(desired, target, new MembershipLedger(present));
  return { id: target.uuid, props: outs, inputs: toCheckedInputs(outs) };
}

/** Removes the managed users (`delete` is a keyword). Gone already counts as done. */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const target = stateTarget(id, props);
  const desired = readDesired(props);
  const plan = planDelete({ managed: desired.userIds, protectedIds: desired.protectedUserIds });
  const limitError = checkRemovalLimit(plan.remove.length, desired.maxRemovals);
  if (limitError !== undefined) throw new Error(`${describe("delete", desired.workspaceId)}: ${limitError}`);
  if (plan.remove.length === 0) return;

  const { settings, client } = connect();
  const ledger = new MembershipLedger(plan.remove.map((userId) => placeholderMembership(userId, target.uuid)));
  const result = await applyChanges(client, settings, target.uuid, [], plan.remove, ledger, { workspaceGoneIsDone: true });
  if (result.failures.length > 0) {
    throw new Error(
      `${describe("delete", desired.workspaceId)} did not finish: ${result.failures.join("; ")}. ` +
        `Removed ${result.removed} of ${plan.remove.length} users; still members: ${formatIds(ledger.snapshot().userIds)}. ` +
        "Run the destroy again once they can be removed; users already gone count as done.",
    );
  }
}

// ---------------------------------------------------------------------------------------
// Applying a plan

interface ApplyResult {
  added: number;
  removed: number;
  failures: string[];
  changedAnything: boolean;
  /** Users whose change may or may not have happened (see `PartialFailureError.unconfirmed`). */
  unconfirmed: string[];
}

/**
 * Sends the adds and removes in chunks, at most `settings.concurrency` requests at once,
 * recording in `ledger` only what the service confirmed. Adds and removes concern disjoint
 * users, so they share one queue.
 */
async function applyChanges(
  client: OpenRouterClient,
  settings: Settings,
  workspaceUuid: string,
  add: string[],
  remove: string[],
  ledger: MembershipLedger,
  options: { workspaceGoneIsDone?: boolean } = {},
): Promise<ApplyResult> {
  type Batch = { kind: "add" | "remove"; userIds: string[] };
  const batches: Batch[] = [
    ...chunk(add, settings.batchSize).map((userIds) => ({ kind: "add" as const, userIds })),
    ...chunk(remove, settings.batchSize).map((userIds) => ({ kind: "remove" as const, userIds })),
  ];
  const leftOut: string[] = [];
  const refused: string[] = [];
  const refusalReasons: string[] = [];
  // Sent, but whether they went through is unknown: the answer was lost (a dropped
  // connection, a timeout, a 5xx after the change), or a remove counted fewer than asked.
  const maybeAdded: string[] = [];
  const maybeRemoved: string[] = [];
  const shortRemoved: string[] = [];
  let added = 0;
  let removed = 0;

  const outcome = await runBounded(batches, settings.concurrency, async (batch) => {
    try {
      if (batch.kind === "add") {
        const answer = await client.addMembers(workspaceUuid, batch.userIds);
        const asked = new Set(batch.userIds);
        // Never record a user the service did not return a membership for.
        const confirmed = answer.memberships.filter((m) => asked.has(m.userId));
        ledger.confirmAdded(confirmed);
        added += confirmed.length;
        const returned = new Set(confirmed.map((m) => m.userId));
        leftOut.push(...batch.userIds.filter((u) => !returned.has(u)));
        return;
      }
      const answer = await removeRefusingSome(client, workspaceUuid, batch.userIds, options.workspaceGoneIsDone ?? false);
      refused.push(...answer.refused.map((r) => r.userId));
      refusalReasons.push(...answer.refused.map((r) => r.reason));
      const sent = batch.userIds.filter((u) => !answer.refusedSet.has(u));
      if (answer.removedCount >= sent.length) {
        ledger.forget(sent);
        removed += sent.length;
      } else {
        shortRemoved.push(...sent);
      }
    } catch (error) {
      if (mayHaveApplied(error)) (batch.kind === "add" ? maybeAdded : maybeRemoved).push(...batch.userIds);
      throw error;
    }
  });

  const failures = outcome.errors.map(errorMessage);
  const unconfirmed: string[] = [];
  if (maybeAdded.length + maybeRemoved.length + shortRemoved.length > 0) {
    // Settle every unknown with one list call, never by guessing: the state must neither
    // claim a member who is gone nor forget one who is there.
    try {
      const members = new Map((await client.listMembers(workspaceUuid, { concurrency: settings.concurrency })).map((m) => [m.userId, m]));
      const arrived = maybeAdded.flatMap((u) => members.get(u) ?? []);
      ledger.confirmAdded(arrived);
      added += arrived.length;
      const gone = [...maybeRemoved, ...shortRemoved].filter((u) => !members.has(u));
      ledger.forget(gone);
      removed += gone.length;
      const kept = shortRemoved.filter((u) => members.has(u));
      if (kept.length > 0) failures.push(`the service did not remove ${formatIds(kept)} and gave no reason`);
    } catch (error) {
      unconfirmed.push(...maybeAdded, ...maybeRemoved, ...shortRemoved);
      // Still recorded, since removing again is harmless, but marked so that the next run
      // adds them again if they are wanted rather than trusting a membership that may be gone.
      ledger.markUnconfirmed([...maybeRemoved, ...shortRemoved]);
      failures.push(`could not confirm what happened to ${formatIds(unconfirmed)}: ${errorMessage(error)}; a refresh will tell`);
    }
  }
  if (leftOut.length > 0) {
    failures.push(`the service did not add ${formatIds(leftOut)} (no membership returned; are they members of the organization?)`);
  }
  if (refused.length > 0) {
    failures.push(`the service refused to remove ${formatIds(refused.sort())}: ${[...new Set(refusalReasons)].join(" ")}`);
  }
  if (outcome.skipped > 0) failures.push(`${outcome.skipped} batch(es) not sent after the failure`);
  return { added, removed, failures, changedAnything: added > 0 || removed > 0, unconfirmed };
}

/**
 * Whether a failed request may still have changed something. The client judges every
 * attempt it made (a refusal at the end does not undo an earlier attempt that went
 * through); a request refused before it was sent changed nothing; any other failure may
 * or may not have.
 */
function mayHaveApplied(error: unknown): boolean {
  if (error instanceof OpenRouterError && error.mayHaveApplied !== undefined) return error.mayHaveApplied;
  return !(error instanceof OpenRouterArgumentError);
}

interface RemoveAnswer {
  removedCount: number;
  refused: { userId: string; reason: string }[];
  refusedSet: Set<string>;
}

/**
 * Removes a batch. When the service refuses some users of it (active API keys, SCIM), the
 * whole request changes nothing and its message names them: send the rest again without
 * them, so every removable member still goes. A refusal naming none of the batch (the
 * default workspace) is an error for the whole batch.
 */
async function removeRefusingSome(
  client: OpenRouterClient,
  workspaceUuid: string,
  userIds: string[],
  workspaceGoneIsDone: boolean,
): Promise<RemoveAnswer> {
  const refused: { userId: string; reason: string }[] = [];
  let pending = userIds;
  while (pending.length > 0) {
    try {
      const { removedCount } = await client.removeMembers(workspaceUuid, pending);
      return { removedCount, refused, refusedSet: new Set(refused.map((r) => r.userId)) };
    } catch (error) {
      if (workspaceGoneIsDone && error instanceof OpenRouterApiError && error.status === 404) {
        return { removedCount: pending.length, refused, refusedSet: new Set(refused.map((r) => r.userId)) };
      }
      const named = refusedUsers(error, pending);
      if (named.length === 0) throw error;
      const reason = error instanceof OpenRouterApiError ? error.serviceMessage : errorMessage(error);
      refused.push(...named.map((userId) => ({ userId, reason })));
      const namedSet = new Set(named);
      pending = pending.filter((u) => !namedSet.has(u));
    }
  }
  return { removedCount: 0, refused, refusedSet: new Set(refused.map((r) => r.userId)) };
}

/** The users of `batch` that a 400/403 refusal names (in its message or its body fields). */
function refusedUsers(error: unknown, batch: string[]): string[] {
  if (!(error instanceof OpenRouterApiError) || (error.status !== 400 && error.status !== 403)) return [];
  const named = new Set(error.userIds ?? []);
  const text = `${error.serviceMessage} ${JSON.stringify(error.metadata ?? {})}`;
  return batch.filter((u) => named.has(u) || mentions(text, u));
}

function mentions(text: string, userId: string): boolean {
  let from = text.indexOf(userId);
  while (from !== -1) {
    const before = text[from - 1];
    const after = text[from + userId.length];
    if (!isIdChar(before) && !isIdChar(after)) return true;
    from = text.indexOf(userId, from + 1);
  }
  return false;
}

function isIdChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_-]/.test(c);
}

// ---------------------------------------------------------------------------------------
// Helpers

async function resolveWorkspace(client: OpenRouterClient, workspaceId: string) {
  try {
    return await client.getWorkspace(workspaceId);
  } catch (error) {
    if (error instanceof OpenRouterApiError && error.status === 404) {
      throw new Error(`Workspace ${JSON.stringify(workspaceId)} was not found; nothing was changed. Check workspaceId (a workspace UUID or slug).`);
    }
    throw error;
  }
}

/** The workspace a resource's state points at: its UUID (the resource id) and slug if known. */
interface WorkspaceRef {
  uuid: string;
  slug?: string;
}

function stateTarget(id: string, props: Record<string, unknown>): WorkspaceRef {
  const slug = nonEmpty(props.workspaceSlug);
  return { uuid: nonEmpty(props.workspaceUuid) ?? id, ...(slug === undefined ? {} : { slug }) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function stateMemberships(olds: Record<string, unknown>): Membership[] {
  const managed = toIdSet(olds.userIds);
  const recorded = Array.isArray(olds.memberships) ? (olds.memberships as Membership[]) : [];
  // As written by this provider: one membership per managed user, in the same order.
  if (recorded.length === managed.length && managed.every((userId, i) => recorded[i]?.userId === userId)) return recorded;
  // Otherwise userIds is the authority on who is managed; a user without a membership gets a
  // placeholder (an empty id), which the next update confirms by adding them again.
  const byUser = new Map(recorded.filter((m) => m && typeof m.userId === "string").map((m) => [m.userId, m]));
  const workspaceUuid = nonEmpty(olds.workspaceUuid) ?? "";
  return managed.map((userId) => byUser.get(userId) ?? placeholderMembership(userId, workspaceUuid));
}

function placeholderMembership(userId: string, workspaceId: string): Membership {
  return { id: "", userId, workspaceId, role: "", createdAt: "" };
}

function toState(desired: Desired, target: WorkspaceRef, ledger: MembershipLedger): MembersState {
  const { userIds, memberships } = ledger.snapshot();
  return {
    workspaceId: desired.workspaceId,
    workspaceUuid: target.uuid,
    ...(target.slug === undefined ? {} : { workspaceSlug: target.slug }),
    userIds,
    memberships,
    exclusive: desired.exclusive,
    protectedUserIds: desired.protectedUserIds,
    ...(desired.maxRemovals === undefined ? {} : { maxRemovals: desired.maxRemovals }),
  };
}

/** The inputs a refresh hands back: the checked-input form, so drift shows in the next preview. */
function toCheckedInputs(state: MembersState): Record<string, unknown> {
  return {
    workspaceId: state.workspaceId,
    userIds: toIdMap(state.userIds),
    exclusive: state.exclusive,
    ...(state.protectedUserIds.length === 0 ? {} : { protectedUserIds: toIdMap(state.protectedUserIds) }),
    ...(state.maxRemovals === undefined ? {} : { maxRemovals: state.maxRemovals }),
  };
}

function describe(operation: string, workspaceId: string): string {
  const verb = { create: "Creating", update: "Updating", delete: "Deleting" }[operation] ?? operation;
  return `${verb} the members of workspace ${JSON.stringify(workspaceId)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A list of ids for a message: all of them up to 20, then a count. */
function formatIds(ids: string[]): string {
  const shown = ids.slice(0, 20).join(", ");
  return ids.length > 20 ? `${shown} and ${ids.length - 20} more` : shown;
}
