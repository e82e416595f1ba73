/**
 * The `WorkspaceMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * Loaded only at call time, inside the plugin (see load-implementation.ts), so it may use
 * zod and undici freely. It is glue: what to add and remove is planned in plan.ts, what is
 * valid is checked in inputs.ts, what may be recorded is kept by ledger.ts, the requests are
 * sent by apply.ts, the state's shape is state.ts, people named by email are resolved by
 * core/people.ts and remembered by names.ts; the stack config and the client come from
 * api/connection.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import type { Settings } from "../api/settings";
import type { Membership } from "../api/types";
import { resolveWorkspace, stateTarget, type WorkspaceRef } from "../api/workspace-ref";
import { ChangeFailedError, OpenRouterNotFoundError, PartialFailureError, RemovalLimitError, UnknownEmailError } from "../core/errors";
import { IDS_SHOWN, formatIds, notInOrganization, quote } from "../core/messages";
import { PeopleDirectory, resolvePeople } from "../core/people";
import type { IdSet } from "../core/sets";
import { applyChanges, type ApplyFailure, type ApplyOutcome, type MemberRoutes } from "./apply";
import { checkInputs } from "./inputs";
import { MembershipLedger } from "./ledger";
import { NO_NAMES, namesStillTrue, recordedNames, resolvedNames, type Names } from "./names";
import { checkRemovalLimit, diffMembers, planCreate, planDelete, planUpdate, removalsOverLimit, type MemberPlan } from "./plan";
import {
  managedIn,
  readDesired,
  recordedMembers,
  toCheckedInputs,
  toState,
  type Desired,
  type MembersState,
} from "./state";

export type { MembersState } from "./state";

/** Keeps the stack config for the calls that follow (see api/connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

// check and diff: no HTTP, ever.

/**
 * The inputs' rules, then the `maxRemovals` guard as far as the recorded inputs tell the
 * removals: a change over the limit fails the preview, naming the users, so that a pull
 * request goes red before it is merged.
 */
export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs(olds ?? {}, news ?? {});
  if (result.failures.length > 0 || olds === null || typeof olds !== "object") return result;
  const over = removalsOverLimit(olds, result.inputs);
  if (over === undefined) return result;
  const reason = `maxRemovals: this change to workspace ${quote(String(result.inputs.workspaceId))} ${checkRemovalLimit(over.remove, over.maxRemovals)}`;
  return { ...result, failures: [{ property: "maxRemovals", reason }] };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffMembers(olds, news);
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs);
  const { settings, client } = connect();
  // One listing of the directory, if any, serves the emails and the outsiders of a refused add.
  const directory = organizationDirectory(client, settings);
  // Two reads that must both succeed before anything changes: sent side by side.
  const [workspace, people] = await Promise.all([
    resolveWorkspace(client, desired.workspaceId),
    resolveWanted(directory, "create", desired),
  ]);
  const routes = workspaceRoutes(client, settings, workspace.id, directory);
  // Exclusive mode owns the whole workspace, so it starts from everyone who is there now.
  const listing = desired.exclusive ? await routes.list() : undefined;
  const plan = planCreate({
    wanted: people.wanted,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  const target = { uuid: workspace.id, slug: workspace.slug };
  const outs = await applyPlan(routes, settings, "create", target, desired, plan, listing ?? [], people.names);
  return { id: workspace.id, outs };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const desired = readDesired(news);
  const { settings, client } = connect();
  const target = stateTarget(id, olds);
  const directory = organizationDirectory(client, settings);
  const routes = workspaceRoutes(client, settings, target.uuid, directory);
  const recorded = recordedMembers(olds);
  // Additive mode works from the state alone (no list call), unless users whose last change
  // is unconfirmed must be settled first; exclusive mode must see everyone. One listing
  // serves both, sent beside the directory's when emails need resolving.
  const [listing, people] = await Promise.all([
    desired.exclusive || recorded.unconfirmed.length > 0 ? routes.list() : undefined,
    resolveWanted(directory, "update", desired),
  ]);
  // A user named by an email the program dropped is in the old userIds like any other, so
  // the plan removes the user that email named, whatever the directory says of them now.
  const oldManaged = recorded.unconfirmed.length === 0 ? recorded.userIds : [...recorded.userIds, ...recorded.unconfirmed];
  const plan = planUpdate({
    oldManaged,
    wanted: people.wanted,
    exclusive: desired.exclusive,
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  const known = listing === undefined ? recorded.memberships : managedIn(listing, desired, people.wanted, oldManaged);
  return { outs: await applyPlan(routes, settings, "update", target, desired, plan, known, people.names) };
}

/**
 * The users the inputs name, by id and by email. Emails cost one listing of the
 * organization's directory, made only when there are some; an email that names no member
 * fails here, before any change, naming it and the nearest email the directory has.
 */
async function resolveWanted(
  directory: () => Promise<PeopleDirectory>,
  operation: Operation,
  desired: Desired,
): Promise<{ wanted: IdSet; names: Names }> {
  if (desired.emails.ids.length === 0) return { wanted: desired.userIds, names: NO_NAMES };
  const resolved = resolvePeople({ userIds: desired.userIds, emails: desired.emails.ids }, await directory());
  if (resolved.unknown.length > 0) {
    const shown = resolved.unknown.slice(0, IDS_SHOWN).map((unknown) => notInOrganization(unknown.email, unknown.closest));
    const more = resolved.unknown.length > IDS_SHOWN ? `; and ${resolved.unknown.length - IDS_SHOWN} more emails like these` : "";
    throw new UnknownEmailError(
      `${describeOperation(operation, desired.workspaceId)}: emails ${shown.join("; ")}${more}. Nothing was changed.`,
      resolved.unknown,
    );
  }
  return { wanted: resolved.userIds, names: resolvedNames(desired.userIds, resolved) };
}

/**
 * The organization's directory, listed on first use (every page, `settings.concurrency`
 * pages at a time) and kept for the rest of the operation, so that the emails and the
 * outsiders of a refused add cost one listing between them.
 */
function organizationDirectory(client: OpenRouterClient, settings: Settings): () => Promise<PeopleDirectory> {
  let listing: Promise<PeopleDirectory> | undefined;
  return () =>
    (listing ??= client.listOrganizationMembers({ concurrency: settings.concurrency }).then((members) => new PeopleDirectory(members)));
}

/**
 * Carries out a plan and returns the outputs. Only what the service confirms changes the
 * record: it starts from the users kept and those still to be removed (members until a
 * removal is confirmed). On failure part-way, throws a `PartialFailureError` whose
 * properties are exactly that record.
 */
async function applyPlan(
  routes: MemberRoutes<Membership>,
  settings: Settings,
  operation: Operation,
  target: WorkspaceRef,
  desired: Desired,
  plan: MemberPlan,
  known: Membership[],
  names: Names,
): Promise<MembersState> {
  guardRemovals(operation, desired, plan.remove);
  // Every known member is kept, to be removed, or spared (protected and no longer wanted:
  // it leaves management). The record starts from all but the spared, who are few.
  const spared = new Set(plan.spared);
  const ledger = new MembershipLedger(known.filter((m) => !spared.has(m.userId)));
  const outcome = await applyChanges(routes, plan, ledger, settings);
  const outs = toState(desired, target, ledger, names);
  if (outcome.failures.length === 0 && outcome.outsiders.length === 0) return outs;

  const counts = `Added ${outcome.added} of ${plan.add.length} and removed ${outcome.removed} of ${plan.remove.length} users`;
  const message = failureMessage(operation, desired.workspaceId, outcome, `${counts}; the state records exactly what went through.`);
  const reasons = failureReasons(outcome);
  const changedAnything = outcome.added > 0 || outcome.removed > 0 || outcome.unconfirmed.length > 0;
  if (operation === "create" && !changedAnything) throw new ChangeFailedError(message, reasons, [], isRetryable(outcome));
  const properties = { ...outs, __provider: desired.provider };
  throw new PartialFailureError(message, target.uuid, properties, outcome.unconfirmed, isRetryable(outcome));
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const target = stateTarget(id, props);
  const oldNames = recordedNames(props);
  // Emails are checked against the directory (one listing, beside the members'), so that an
  // email that no longer names the user it named shows as drift.
  const directory = oldNames.emailUserIds.size > 0 ? organizationDirectory(client, settings)() : undefined;
  directory?.catch(() => undefined); // awaited below unless the members listing fails first
  let members: Membership[];
  try {
    members = await workspaceRoutes(client, settings, target.uuid).list();
  } catch (error) {
    // The workspace is gone: an empty id takes the resource out of the state.
    if (error instanceof OpenRouterNotFoundError) return { id: "" };
    throw error;
  }
  const names = directory === undefined ? oldNames : namesStillTrue(oldNames, await directory);
  const desired = readDesired(props);
  const protectedIds = new Set(desired.protectedUserIds);
  const unconfirmed = new Set(recordedMembers(props).unconfirmed);
  // What refresh reports: managed users still there (an unconfirmed one is settled by what
  // the listing shows) and, in exclusive mode, anyone else who is not protected (a member
  // added by hand is drift the next update removes).
  const present = members.filter(
    (m) => desired.userIds.has(m.userId) || unconfirmed.has(m.userId) || (desired.exclusive && !protectedIds.has(m.userId)),
  );
  const outs = toState(desired, target, new MembershipLedger(present), names);
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
      listing = await workspaceRoutes(client, settings, target.uuid).list();
    } catch (error) {
      if (error instanceof OpenRouterNotFoundError) return;
      throw error;
    }
  }
  const plan = planDelete({
    managed: [...recorded.userIds, ...recorded.unconfirmed],
    protectedIds: desired.protectedUserIds,
    currentMembers: listing?.map((m) => m.userId),
  });
  guardRemovals("delete", desired, plan.remove);
  if (plan.remove.length === 0) return;

  const { settings, client } = connect();
  // Only the users still to be removed are recorded, and only to name them if some stay.
  const ledger = new MembershipLedger(plan.remove.map((userId) => ({ userId })));
  const outcome = await applyChanges(workspaceRoutes(client, settings, target.uuid), plan, ledger, { ...settings, goneIsDone: true });
  if (outcome.failures.length > 0 || outcome.outsiders.length > 0) {
    const done = `Removed ${outcome.removed} of ${plan.remove.length} users; still members: ${formatIds(ledger.snapshot().userIds)}.`;
    const message = failureMessage("delete", desired.workspaceId, outcome, done);
    throw new ChangeFailedError(message, failureReasons(outcome), outcome.unconfirmed, isRetryable(outcome));
  }
}

/**
 * The member routes of one workspace, as the set-membership machinery uses them. Users
 * outside the organization are told by the organization's directory, listed at most once
 * per operation and only if the service refuses an add; an operation that lists it anyway
 * passes its own `directory`, so that one listing serves both.
 */
function workspaceRoutes(
  client: OpenRouterClient,
  settings: Settings,
  workspaceUuid: string,
  directory: () => Promise<PeopleDirectory> = organizationDirectory(client, settings),
): MemberRoutes<Membership> {
  return {
    add: async (userIds) => (await client.addMembers(workspaceUuid, userIds)).memberships,
    remove: async (userIds) => (await client.removeMembers(workspaceUuid, userIds)).removedCount,
    list: () => client.listMembers(workspaceUuid, { concurrency: settings.concurrency }),
    outsiders: async (userIds) => {
      const people = await directory();
      return userIds.filter((userId) => !people.has(userId));
    },
  };
}

type Operation = "create" | "update" | "delete";

/** The `maxRemovals` guard, before any request that changes anything. */
function guardRemovals(operation: Operation, desired: Desired, remove: readonly string[]): void {
  if (desired.maxRemovals !== undefined && checkRemovalLimit(remove, desired.maxRemovals) !== undefined) {
    throw removalLimitError(operation, desired.workspaceId, remove, desired.maxRemovals);
  }
}

function removalLimitError(operation: Operation, workspaceId: string, remove: readonly string[], maxRemovals: number): RemovalLimitError {
  const reason = checkRemovalLimit(remove, maxRemovals);
  return new RemovalLimitError(`${describeOperation(operation, workspaceId)}: ${reason}`, remove.length, maxRemovals, [...remove]);
}

function describeOperation(operation: Operation, workspaceId: string): string {
  const verb = { create: "Creating", update: "Updating", delete: "Deleting" }[operation];
  return `${verb} the members of workspace ${quote(workspaceId)}`;
}

/**
 * The message of an operation that did not finish: what failed, what went through (`done`),
 * and what to do. A rerun is promised only when every failure is one a rerun can mend; a
 * refusal says what to change instead, since running again would fail the same way.
 */
function failureMessage(operation: Operation, workspaceId: string, outcome: ApplyOutcome, done: string): string {
  const rerun = operation === "delete" ? "pulumi destroy" : "pulumi up";
  const head = `${describeOperation(operation, workspaceId)} did not finish: ${failureReasons(outcome).join("; ")}. ${done}`;
  if (isRetryable(outcome)) {
    return `${head} Running ${rerun} again finishes the rest${operation === "delete" ? "; users already gone count as done" : ""}.`;
  }
  const advice = new Set<string>();
  if (outcome.outsiders.length > 0) advice.add("Invite them to the organization first, or take them out of userIds.");
  for (const failure of outcome.failures) if (!failure.retryable) advice.add(adviceFor(failure, operation));
  return `${head} ${[...advice].join(" ")} Until then, ${rerun} fails the same way.`;
}

/** One line per failure, outsiders first (the error's `reasons`). */
function failureReasons(outcome: ApplyOutcome): string[] {
  const { outsiders } = outcome;
  const refused =
    outsiders.length === 0
      ? []
      : [`${formatIds(outsiders)} ${outsiders.length === 1 ? "is not a member" : "are not members"} of the organization, so the service refuses to add them`];
  return [...refused, ...outcome.failures.map((failure) => failure.reason)];
}

/** Whether a rerun alone can finish what the outcome left undone. */
function isRetryable(outcome: ApplyOutcome): boolean {
  return outcome.outsiders.length === 0 && outcome.failures.every((failure) => failure.retryable);
}

/** What to change after a refusal; the service's own words are in its reason. */
function adviceFor(failure: ApplyFailure, operation: Operation): string {
  if (failure.userIds !== undefined) {
    return operation === "delete"
      ? "Do what the service asks for the users it names; to leave them in the workspace instead, add them to protectedUserIds and run pulumi up first."
      : "Do what the service asks for the users it names, or keep them in userIds.";
  }
  switch (failure.status) {
    case 401:
      return "Set a management key the service accepts.";
    case 403:
      return "The service does not let this key change this workspace's members (the default workspace, which holds every organization member, refuses every change): point workspaceId at another workspace.";
    case 404:
      return "The workspace no longer exists: run pulumi refresh to take this resource out of the state, or point workspaceId at an existing workspace.";
    default:
      return "Change what the service refused, as its words above say.";
  }
}
