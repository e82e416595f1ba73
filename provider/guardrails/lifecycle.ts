/**
 * The `GuardrailMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it (loaded
 * at call time, see load-implementation.ts). Glue: the set-membership lifecycle
 * (membership/lifecycle.ts) with a guardrail as the target: resolving and refusing the
 * guardrail, its routes, its words, its diff (inputs.ts) and its outputs (state.ts).
 *
 * The service's assign answer carries only a count, so every add is confirmed by the one
 * listing of the guardrail's assignments that settles the operation.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { keepStackConfig } from "../api/connection";
import { readTarget } from "../api/read-first";
import type { GuardrailAssignment } from "../api/types";
import { GuardrailRefusedError } from "../core/errors";
import { guardrailRefusal, quote } from "../core/messages";
import { checkSet, createSet, readSet, removeSet, updateSet, type SetResource } from "../membership/lifecycle";
import type { MembershipSubject } from "../membership/operation";
import { checkInputs, diffGuardrailMembers } from "./inputs";
import { ASSIGNMENTS_KEY, GUARDRAIL_KEY, stateGuardrail, toCheckedInputs, toState, type GuardrailMembersState, type GuardrailRef } from "./state";

export type { GuardrailMembersState } from "./state";

/**
 * A guardrail's direct members. An assign answers with a count only (`undefined` records:
 * the settling listing confirms them). The service refuses a whole assign when some users
 * are not members of the guardrail's workspace; the workspace's member listing (made at
 * most once, only then) tells who.
 */
const GUARDRAIL_MEMBERS: SetResource<GuardrailRef, GuardrailAssignment, GuardrailMembersState> = {
  targetKey: GUARDRAIL_KEY,
  recordsKey: ASSIGNMENTS_KEY,
  checkInputs,
  subject: guardrailSubject,
  resolve: resolveGuardrail,
  stateTarget: stateGuardrail,
  idOf: (guardrail) => guardrail.id,
  routes: (client, settings, guardrail) => {
    let workspaceMembers: Promise<Set<string>> | undefined;
    return {
      add: async (userIds) => {
        await client.assignMembers(guardrail.id, userIds);
        return undefined;
      },
      remove: async (userIds) => (await client.unassignMembers(guardrail.id, userIds)).unassignedCount,
      list: () => client.listAssignments(guardrail.id, { concurrency: settings.concurrency }),
      outsiders: async (userIds) => {
        workspaceMembers ??= client
          .listMembers(guardrail.workspaceId, { concurrency: settings.concurrency })
          .then((members) => new Set(members.map((m) => m.userId)));
        const members = await workspaceMembers;
        return userIds.filter((userId) => !members.has(userId));
      },
    };
  },
  toState,
  toCheckedInputs,
};

/** Keeps the stack config for the calls that follow (see api/connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkSet(GUARDRAIL_MEMBERS, olds, news);
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffGuardrailMembers(olds, news);
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  return createSet(GUARDRAIL_MEMBERS, inputs);
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  return updateSet(GUARDRAIL_MEMBERS, id, olds, news);
}

/**
 * Refresh: the assignments listed. A member the service moved to another guardrail of the
 * workspace is gone from this one (drift); a guardrail gone takes the resource out of the state.
 */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  return readSet(GUARDRAIL_MEMBERS, id, props);
}

/** Unassigns the managed users (`delete` is a keyword): see `removeManaged`. */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  return removeSet(GUARDRAIL_MEMBERS, id, props);
}

/**
 * `GET /guardrails/{id}` (and its workspace) before any change: a guardrail that is not
 * there is an `OpenRouterNotFoundError` naming `guardrailId`; one that takes no
 * assignments (a legacy guardrail with no workspace, a workspace's default guardrail) is a
 * `GuardrailRefusedError` saying what to do instead.
 */
async function resolveGuardrail(client: OpenRouterClient, guardrailId: string): Promise<GuardrailRef> {
  const guardrail = await readTarget(() => client.getGuardrail(guardrailId), { kind: "Guardrail", id: guardrailId, input: "guardrailId", holds: "a guardrail UUID" });
  if (guardrail.workspaceId === null) {
    throw new GuardrailRefusedError(guardrailRefusal(guardrailId, "no-workspace", null), guardrail.id, "no-workspace", null);
  }
  const workspace = await client.getWorkspace(guardrail.workspaceId);
  if (workspace.defaultGuardrailId?.toLowerCase() === guardrail.id.toLowerCase()) {
    throw new GuardrailRefusedError(guardrailRefusal(guardrailId, "default", workspace.slug), guardrail.id, "default", workspace.id);
  }
  return { id: guardrail.id, workspaceId: workspace.id };
}

/** How the errors of a guardrail's members speak of it. */
function guardrailSubject(guardrailId: string): MembershipSubject {
  return {
    members: `the members of guardrail ${quote(guardrailId)}`,
    noun: "guardrail",
    outsidersOf: "the guardrail's workspace",
    outsiderAdvice: "Add them to the guardrail's workspace first (a WorkspaceMembers resource, with dependsOn), or take them out of userIds.",
    refusalAdvice: {
      403: "The service does not let this key change this guardrail's members: use a management key of the guardrail's organization.",
      404: "The guardrail no longer exists: run pulumi refresh to take this resource out of the state, or point guardrailId at an existing guardrail.",
    },
  };
}
