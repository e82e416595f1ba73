/**
 * The `WorkspaceMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * This module is loaded only at call time, inside the plugin (see load-implementation.ts),
 * so it may use zod and undici freely. It is glue: the rules live in plan.ts (what to add
 * and remove), inputs.ts (what is valid) and ledger.ts (what may be recorded); the stack
 * config and the client in connection.ts; the HTTP in client.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { runBounded } from "../core/bounded";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import {
  ChangeFailedError,
  OpenRouterApiError,
  OpenRouterArgumentError,
  OpenRouterError,
  PartialFailureError,
  RemovalLimitError,
} from "../core/errors";
import { checkInputs } from "./inputs";
import { MembershipLedger } from "./ledger";
import { checkRemovalLimit, chunk, diffMembers, planCreate, planDelete, planUpdate, readIds, toIdMap, toIdSet, type IdSet, type MemberPlan } from "./plan";
import type { Settings } from "../api/settings";
import type { Membership } from "../api/types";

/** The outputs of a `WorkspaceMembers` resource, as stored in state. */
export interface MembersState {
  workspaceId: string;
  workspaceUuid: string;
  /** The workspace's slug, resolved at create: lets diff tell a slug from its own UUID without a call. */
  workspaceSlug?: string;
  /** Managed users the service confirmed as members (an add's answer or a listing). */
  userIds: string[];
  /** Their memberships, exactly as the service returned them. */
  memberships: Membership[];
  /** Managed users whose last change was sent but neither confirmed nor refuted. */
  unconfirmedUserIds: string[];
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
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
  const recorded = recordedMembers(olds);
  // Additive mode works from the state alone (no list call), unless users whose last change
  // is unconfirmed must be settled first; exclusive mode must see everyone. One listing
  // serves both.
  const listing =
    desired.exclusive || recorded.unconfirmed.length > 0
      ? await client.listMembers(target.uuid, { concurrency: settings.concurrency })
      : undefined;
  const oldManaged = recorded.unconfirmed.length === 0 ? recorded.userIds : [...recorded.userIds, ...recorded.unconfirmed];
  const plan = planUpdate({
    oldManaged,
    wanted: desired.userIds,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  const outs = await apply(client, settings, "update", target, desired, plan, listing === undefined ? recorded.memberships : managedIn(listing, desired, oldManaged));
  return { outs };
}

/**
 * The memberships of a listing this resource manages (or adopts) from here on: in exclusive
 * mode everyone, since the plan removes whoever is not wanted; in additive mode the wanted
 * users and those managed before, so a listed member the resource never managed stays out.
 */
function managedIn(listing: Membership[], desired: Desired, oldManaged: readonly string[]): Membership[] {
  if (desired.exclusive) return listing;
  const managedBefore = new Set(oldManaged);
  return listing.filter((m) => desired.userIds.has(m.userId) || managedBefore.has(m.userId));
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
  guardRemovals(operation, desired, plan.remove.length);

  // Every known member is kept, to be removed, or spared (protected and no longer wanted:
  // it leaves management). The record starts from all but the spared, who are few.
  const spared = new Set(plan.spared);
  const ledger = new MembershipLedger(known.filter((m) => !spared.has(m.userId)));
  const result = await applyChanges(client, settings, target.uuid, plan.add, plan.remove, ledger);
  const outs = toState(desired, target, ledger);
  if (result.failures.length > 0) {
    const message =
      `${describe(operation, desired.workspaceId)} did not finish: ${result.failures.join("; ")}. ` +
      `Added ${result.added} of ${plan.add.length} and removed ${result.removed} of ${plan.remove.length} users; ` +
      "the state records exactly what went through, so running the update again finishes the rest.";
    if (operation === "create" && !result.changedAnything && result.unconfirmed.length === 0) {
      throw new ChangeFailedError(message, result.failures);
    }
    const properties = { ...outs, __provider: desired.provider };
    throw new PartialFailureError(message, target.uuid, properties, result.failures, result.unconfirmed);
  }
  return outs;
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const target = stateTarget(id, props);
  const recorded = recordedMembers(props);
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
  const unconfirmed = new Set(recorded.unconfirmed);
  // What refresh reports: managed users still there (an unconfirmed one is settled by what
  // the listing shows) and, in exclusive mode, anyone else who is not protected (a member
  // added by hand is drift the next update removes).
  const present = members.filter(
    (m) => desired.userIds.has(m.userId) || unconfirmed.has(m.userId) || (desired.exclusive && !protectedIds.has(m.userId)),
  );
  const outs = toState(desired, target, new MembershipLedger(present));
  return { id: target.uuid, props: outs, inputs: toCheckedInputs(outs) };
}

/**
 * Removes the managed users (`delete` is a keyword), unconfirmed ones included. Gone already
 * counts as done. Unconfirmed users are settled by one listing first, so that the removal
 * count the guard sees is exact.
 */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const target = stateTarget(id, props);
  const desired = readDesired(props);
  const recorded = recordedMembers(props);
  let listing: Membership[] | undefined;
  if (recorded.unconfirmed.length > 0) {
    const { settings, client } = connect();
    try {
      listing = await client.listMembers(target.uuid, { concurrency: settings.concurrency });
    } catch (error) {
      if (error instanceof OpenRouterApiError && error.status === 404) return;
      throw error;
    }
  }
  const plan = planDelete({
    managed: [...recorded.userIds, ...recorded.unconfirmed],
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  guardRemovals("delete", desired, plan.remove.length);
  if (plan.remove.length === 0) return;

  const { settings, client } = connect();
  const ledger = new MembershipLedger(plan.remove.map((userId) => placeholderMembership(userId, target.uuid)));
  const result = await applyChanges(client, settings, target.uuid, [], plan.remove, ledger, { workspaceGoneIsDone: true });
  if (result.failures.length > 0) {
    throw new ChangeFailedError(
      `${describe("delete", desired.workspaceId)} did not finish: ${result.failures.join("; ")}. ` +
        `Removed ${result.removed} of ${plan.remove.length} users; still members: ${formatIds(ledger.snapshot().userIds)}. ` +
        "Run the destroy again once they can be removed; users already gone count as done.",
      result.failures,
      result.unconfirmed,
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
      ledger.markUnconfirmed(unconfirmed);
      failures.push(
        `could not confirm what happened to ${formatIds(unconfirmed)}: ${errorMessage(error)}; ` +
          "they are recorded in unconfirmedUserIds, and the next update, refresh or destroy settles them",
      );
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

/** What a state records: the managed members (ids and memberships), and the unconfirmed users. */
interface RecordedMembers {
  /** Sorted. */
  userIds: string[];
  memberships: Membership[];
  /** Sorted. */
  unconfirmed: string[];
}

function recordedMembers(state: Record<string, unknown>): RecordedMembers {
  const userIds = toIdSet(state.userIds);
  const unconfirmed = toIdSet(state.unconfirmedUserIds);
  const recorded = Array.isArray(state.memberships) ? (state.memberships as Membership[]) : [];
  // As written by this provider: one membership the service returned per managed user, in the same order.
  if (recorded.length === userIds.length && userIds.every((userId, i) => recorded[i]?.userId === userId && recorded[i].id !== "")) {
    return { userIds, memberships: recorded, unconfirmed };
  }
  // Otherwise userIds is the authority on who is managed, and a managed user without such a
  // membership (states written before unconfirmedUserIds existed kept an empty id for them)
  // counts as unconfirmed: the listing that settles those settles it too.
  const byUser = new Map(
    recorded.filter((m) => m && typeof m.userId === "string" && typeof m.id === "string" && m.id !== "").map((m) => [m.userId, m]),
  );
  const memberships: Membership[] = [];
  const missing: string[] = [];
  for (const userId of userIds) {
    const membership = byUser.get(userId);
    if (membership === undefined) missing.push(userId);
    else memberships.push(membership);
  }
  return { userIds: memberships.map((m) => m.userId), memberships, unconfirmed: toIdSet([...unconfirmed, ...missing]) };
}

function placeholderMembership(userId: string, workspaceId: string): Membership {
  return { id: "", userId, workspaceId, role: "", createdAt: "" };
}

function toState(desired: Desired, target: WorkspaceRef, ledger: MembershipLedger): MembersState {
  const { userIds, memberships, unconfirmedUserIds } = ledger.snapshot();
  return {
    workspaceId: desired.workspaceId,
    workspaceUuid: target.uuid,
    ...(target.slug === undefined ? {} : { workspaceSlug: target.slug }),
    userIds,
    memberships,
    unconfirmedUserIds,
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

/** The `maxRemovals` guard, before any request that changes anything. */
function guardRemovals(operation: string, desired: Desired, removeCount: number): void {
  const limitError = checkRemovalLimit(removeCount, desired.maxRemovals);
  if (limitError !== undefined) {
    throw new RemovalLimitError(`${describe(operation, desired.workspaceId)}: ${limitError}`, removeCount, desired.maxRemovals!);
  }
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
