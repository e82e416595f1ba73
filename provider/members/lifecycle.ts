/**
 * The `WorkspaceMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it.
 *
 * Loaded only at call time, inside the plugin (see load-implementation.ts), so it may use
 * zod and undici freely. It is glue: the set-membership lifecycle (membership/lifecycle.ts:
 * plans, checks, the ledger, apply, names, one operation's errors) with the workspace as
 * the target: its routes, its words, its diff (plan.ts) and its outputs (state.ts). People
 * named by email are resolved by core/people.ts; the stack config and the client come from
 * api/connection.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { keepStackConfig } from "../api/connection";
import type { Membership } from "../api/types";
import { resolveWorkspace, stateTarget, type WorkspaceRef } from "../api/workspace-ref";
import { quote } from "../core/messages";
import { checkSet, createSet, readSet, removeSet, updateSet, type SetResource } from "../membership/lifecycle";
import type { MembershipSubject } from "../membership/operation";
import { checkInputs } from "./inputs";
import { diffMembers } from "./plan";
import { MEMBERSHIPS_KEY, WORKSPACE_KEY, toCheckedInputs, toState, type MembersState } from "./state";

export type { MembersState } from "./state";

/**
 * A workspace's members. Users outside the organization (a refused add) are told by the
 * organization's directory, listed at most once per operation and only if needed.
 */
const WORKSPACE_MEMBERS: SetResource<WorkspaceRef, Membership, MembersState> = {
  targetKey: WORKSPACE_KEY,
  recordsKey: MEMBERSHIPS_KEY,
  checkInputs: (news) => checkInputs({}, news),
  subject: workspaceSubject,
  resolve: async (client, workspaceId) => {
    const workspace = await resolveWorkspace(client, workspaceId);
    return { uuid: workspace.id, slug: workspace.slug };
  },
  stateTarget,
  idOf: (target) => target.uuid,
  routes: (client, settings, target, directory) => ({
    add: async (userIds) => (await client.addMembers(target.uuid, userIds)).memberships,
    remove: async (userIds) => (await client.removeMembers(target.uuid, userIds)).removedCount,
    list: () => client.listMembers(target.uuid, { concurrency: settings.concurrency }),
    outsiders: async (userIds) => {
      const people = await directory();
      return userIds.filter((userId) => !people.has(userId));
    },
  }),
  toState,
  toCheckedInputs,
};

/** Keeps the stack config for the calls that follow (see api/connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

// check and diff: no HTTP, ever.

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkSet(WORKSPACE_MEMBERS, olds, news);
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffMembers(olds, news);
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  return createSet(WORKSPACE_MEMBERS, inputs);
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  return updateSet(WORKSPACE_MEMBERS, id, olds, news);
}

/** Refresh: every member listed; the workspace gone takes the resource out of the state. */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  return readSet(WORKSPACE_MEMBERS, id, props);
}

/** Removes the managed users (`delete` is a keyword): see `removeManaged`. */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  return removeSet(WORKSPACE_MEMBERS, id, props);
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
