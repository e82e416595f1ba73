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
import { applyChanges, type MemberRoutes } from "./apply";
import { checkInputs } from "./inputs";
import { MembershipLedger } from "./ledger";
import { NO_NAMES, namesStillTrue, recordedNames, resolvedNames, type Names } from "./names";
import { checkRemovalLimit, diffMembers, planCreate, planDelete, planUpdate, type MemberPlan } from "./plan";
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

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkInputs(olds ?? {}, news ?? {});
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffMembers(olds, news);
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs);
  const { settings, client } = connect();
  // Two reads that must both succeed before anything changes: sent side by side.
  const [workspace, people] = await Promise.all([
    resolveWorkspace(client, desired.workspaceId),
    resolveWanted(client, settings, "create", desired),
  ]);
  const routes = workspaceRoutes(client, settings, workspace.id);
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
  const routes = workspaceRoutes(client, settings, target.uuid);
  const recorded = recordedMembers(olds);
  // Additive mode works from the state alone (no list call), unless users whose last change
  // is unconfirmed must be settled first; exclusive mode must see everyone. One listing
  // serves both, sent beside the directory's when emails need resolving.
  const [listing, people] = await Promise.all([
    desired.exclusive || recorded.unconfirmed.length > 0 ? routes.list() : undefined,
    resolveWanted(client, settings, "update", desired),
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
  client: OpenRouterClient,
  settings: Settings,
  operation: Operation,
  desired: Desired,
): Promise<{ wanted: IdSet; names: Names }> {
  if (desired.emails.ids.length === 0) return { wanted: desired.userIds, names: NO_NAMES };
  const resolved = resolvePeople({ userIds: desired.userIds, emails: desired.emails.ids }, await readDirectory(client, settings));
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

/** The organization's directory: one listing, every page, `settings.concurrency` pages at a time. */
async function readDirectory(client: OpenRouterClient, settings: Settings): Promise<PeopleDirectory> {
  return new PeopleDirectory(await client.listOrganizationMembers({ concurrency: settings.concurrency }));
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
  guardRemovals(operation, desired, plan.remove.length);
  // Every known member is kept, to be removed, or spared (protected and no longer wanted:
  // it leaves management). The record starts from all but the spared, who are few.
  const spared = new Set(plan.spared);
  const ledger = new MembershipLedger(known.filter((m) => !spared.has(m.userId)));
  const outcome = await applyChanges(routes, plan, ledger, settings);
  const outs = toState(desired, target, ledger, names);
  if (outcome.failures.length === 0) return outs;

  const message =
    `${describeOperation(operation, desired.workspaceId)} did not finish: ${outcome.failures.join("; ")}. ` +
    `Added ${outcome.added} of ${plan.add.length} and removed ${outcome.removed} of ${plan.remove.length} users; ` +
    "the state records exactly what went through, so running the update again finishes the rest.";
  const changedAnything = outcome.added > 0 || outcome.removed > 0 || outcome.unconfirmed.length > 0;
  if (operation === "create" && !changedAnything) throw new ChangeFailedError(message, outcome.failures);
  const properties = { ...outs, __provider: desired.provider };
  throw new PartialFailureError(message, target.uuid, properties, outcome.unconfirmed);
}

export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const target = stateTarget(id, props);
  const oldNames = recordedNames(props);
  // Emails are checked against the directory (one listing, beside the members'), so that an
  // email that no longer names the user it named shows as drift.
  const directory = oldNames.emailUserIds.size > 0 ? readDirectory(client, settings) : undefined;
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
  guardRemovals("delete", desired, plan.remove.length);
  if (plan.remove.length === 0) return;

  const { settings, client } = connect();
  // Only the users still to be removed are recorded, and only to name them if some stay.
  const ledger = new MembershipLedger(plan.remove.map((userId) => ({ userId })));
  const outcome = await applyChanges(workspaceRoutes(client, settings, target.uuid), plan, ledger, { ...settings, goneIsDone: true });
  if (outcome.failures.length > 0) {
    throw new ChangeFailedError(
      `${describeOperation("delete", desired.workspaceId)} did not finish: ${outcome.failures.join("; ")}. ` +
        `Removed ${outcome.removed} of ${plan.remove.length} users; still members: ${formatIds(ledger.snapshot().userIds)}. ` +
        "Run the destroy again once they can be removed; users already gone count as done.",
      outcome.failures,
      outcome.unconfirmed,
    );
  }
}

/** The member routes of one workspace, as the set-membership machinery uses them. */
function workspaceRoutes(client: OpenRouterClient, settings: Settings, workspaceUuid: string): MemberRoutes<Membership> {
  return {
    add: async (userIds) => (await client.addMembers(workspaceUuid, userIds)).memberships,
    remove: async (userIds) => (await client.removeMembers(workspaceUuid, userIds)).removedCount,
    list: () => client.listMembers(workspaceUuid, { concurrency: settings.concurrency }),
  };
}

type Operation = "create" | "update" | "delete";

/** The `maxRemovals` guard, before any request that changes anything. */
function guardRemovals(operation: Operation, desired: Desired, removeCount: number): void {
  const limitError = checkRemovalLimit(removeCount, desired.maxRemovals);
  if (limitError !== undefined) {
    throw new RemovalLimitError(`${describeOperation(operation, desired.workspaceId)}: ${limitError}`, removeCount, desired.maxRemovals!);
  }
}

function describeOperation(operation: Operation, workspaceId: string): string {
  const verb = { create: "Creating", update: "Updating", delete: "Deleting" }[operation];
  return `${verb} the members of workspace ${quote(workspaceId)}`;
}
