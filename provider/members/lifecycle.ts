/**
 * The `WorkspaceMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * Loaded only at call time, inside the plugin (see load-implementation.ts), so it may use
 * zod and undici freely. It is glue around the set-membership layer (membership/: plans,
 * checks, the ledger, apply, names, one operation's errors) with the workspace as the
 * target: its routes, its diff (plan.ts) and its outputs (state.ts). People named by email
 * are resolved by core/people.ts; the stack config and the client come from
 * api/connection.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import type { Settings } from "../api/settings";
import type { Membership } from "../api/types";
import { resolveWorkspace, stateTarget, type WorkspaceRef } from "../api/workspace-ref";
import { OpenRouterNotFoundError } from "../core/errors";
import { quote } from "../core/messages";
import type { PeopleDirectory } from "../core/people";
import type { MemberRoutes } from "../membership/apply";
import { MembershipLedger } from "../membership/ledger";
import { namesStillTrue, recordedNames, type Names } from "../membership/names";
import {
  converge,
  organizationDirectory,
  removeManaged,
  resolveWanted,
  type MembershipSubject,
  type Operation,
  type PlanContext,
} from "../membership/operation";
import { checkRemovalLimit } from "../membership/plan";
import { readDesired, recordedMembers, reportedIn, type Desired } from "../membership/state";
import { checkInputs } from "./inputs";
import { diffMembers, removalsOverLimit } from "./plan";
import { MEMBERSHIPS_KEY, WORKSPACE_KEY, toCheckedInputs, toState, type MembersState } from "./state";

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
  const desired = readDesired(inputs, WORKSPACE_KEY);
  const { settings, client } = connect();
  // One listing of the directory, if any, serves the emails and the outsiders of a refused add.
  const directory = organizationDirectory(client, settings);
  // Two reads that must both succeed before anything changes: sent side by side.
  const [workspace, people] = await Promise.all([
    resolveWorkspace(client, desired.target),
    resolveWanted(directory, "create", workspaceSubject(desired.target), desired),
  ]);
  const routes = workspaceRoutes(client, settings, workspace.id, directory);
  // Exclusive mode owns the whole workspace, so it starts from everyone who is there now.
  const listing = desired.exclusive ? await routes.list() : undefined;
  const target = { uuid: workspace.id, slug: workspace.slug };
  const outs = await converge(context(routes, settings, "create", target, desired, people.names), people.wanted, listing);
  return { id: workspace.id, outs };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const desired = readDesired(news, WORKSPACE_KEY);
  const { settings, client } = connect();
  const target = stateTarget(id, olds);
  const directory = organizationDirectory(client, settings);
  const routes = workspaceRoutes(client, settings, target.uuid, directory);
  const recorded = recordedMembers<Membership>(olds, MEMBERSHIPS_KEY);
  // Additive mode works from the state alone (no list call), unless users whose last change
  // is unconfirmed must be settled first; exclusive mode must see everyone. One listing
  // serves both, sent beside the directory's when emails need resolving.
  const [listing, people] = await Promise.all([
    desired.exclusive || recorded.unconfirmed.length > 0 ? routes.list() : undefined,
    resolveWanted(directory, "update", workspaceSubject(desired.target), desired),
  ]);
  const outs = await converge(context(routes, settings, "update", target, desired, people.names), people.wanted, listing, recorded);
  return { outs };
}

/** What carrying out a plan on the workspace needs (see `converge`). */
function context(
  routes: MemberRoutes<Membership>,
  settings: Settings,
  operation: Operation,
  target: WorkspaceRef,
  desired: Desired,
  names: Names,
): PlanContext<Membership, MembersState> {
  const toOutputs = (ledger: MembershipLedger<Membership>) => toState(desired, target, ledger, names);
  return { routes, settings, operation, subject: workspaceSubject(desired.target), desired, id: target.uuid, toState: toOutputs };
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
  const desired = readDesired(props, WORKSPACE_KEY);
  const present = reportedIn(members, desired, recordedMembers(props, MEMBERSHIPS_KEY).unconfirmed);
  const outs = toState(desired, target, new MembershipLedger(present), names);
  return { id: target.uuid, props: outs, inputs: toCheckedInputs(outs) };
}

/** Removes the managed users (`delete` is a keyword): see `removeManaged`. */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const target = stateTarget(id, props);
  const desired = readDesired(props, WORKSPACE_KEY);
  const connectRoutes = () => {
    const { settings, client } = connect();
    return { routes: workspaceRoutes(client, settings, target.uuid), settings };
  };
  await removeManaged(connectRoutes, workspaceSubject(desired.target), desired, recordedMembers<Membership>(props, MEMBERSHIPS_KEY));
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

/** How the errors of a workspace's members speak of it. */
function workspaceSubject(workspaceId: string): MembershipSubject {
  return {
    members: `the members of workspace ${quote(workspaceId)}`,
    noun: "workspace",
    outsidersOf: "the organization",
    outsiderAdvice: "Invite them to the organization first, or take them out of userIds.",
    refusalAdvice: {
      403: "The service does not let this key change this workspace's members (the default workspace, which holds every organization member, refuses every change): point workspaceId at another workspace.",
      404: "The workspace no longer exists: run pulumi refresh to take this resource out of the state, or point workspaceId at an existing workspace.",
    },
  };
}
