/**
 * The `GuardrailMembers` lifecycle, as Pulumi's dynamic-provider plugin calls it (loaded
 * at call time, see load-implementation.ts). Glue around the set-membership layer
 * (membership/) with a guardrail as the target: resolving and refusing the guardrail, its
 * routes, its diff (inputs.ts) and its outputs (state.ts).
 *
 * The service's assign answer carries only a count, so every add is confirmed by the one
 * listing of the guardrail's assignments that settles the operation.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect, keepStackConfig } from "../api/connection";
import type { Settings } from "../api/settings";
import type { GuardrailAssignment } from "../api/types";
import { GuardrailRefusedError, OpenRouterNotFoundError } from "../core/errors";
import { guardrailRefusal, quote } from "../core/messages";
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
import { checkInputs, diffGuardrailMembers, removalsOverLimit } from "./inputs";
import {
  ASSIGNMENTS_KEY,
  GUARDRAIL_KEY,
  stateGuardrail,
  toCheckedInputs,
  toState,
  type GuardrailMembersState,
  type GuardrailRef,
} from "./state";

export type { GuardrailMembersState } from "./state";

/** Keeps the stack config for the calls that follow (see api/connection.ts). */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  keepStackConfig(req);
}

/** The inputs' rules, then the `maxRemovals` guard as far as the recorded inputs tell the removals. */
export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  const result = checkInputs(news ?? {});
  if (result.failures.length > 0 || olds === null || typeof olds !== "object") return result;
  const over = removalsOverLimit(olds, result.inputs);
  if (over === undefined) return result;
  const reason = `maxRemovals: this change to guardrail ${quote(String(result.inputs.guardrailId))} ${checkRemovalLimit(over.remove, over.maxRemovals)}`;
  return { ...result, failures: [{ property: "maxRemovals", reason }] };
}

export async function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
  return diffGuardrailMembers(olds, news);
}

export async function create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs, GUARDRAIL_KEY);
  const { settings, client } = connect();
  const directory = organizationDirectory(client, settings);
  const [guardrail, people] = await Promise.all([
    resolveGuardrail(client, desired.target),
    resolveWanted(directory, "create", guardrailSubject(desired.target), desired),
  ]);
  const routes = guardrailRoutes(client, settings, guardrail);
  // Exclusive mode owns the whole guardrail, so it starts from everyone assigned now.
  const listing = desired.exclusive ? await routes.list() : undefined;
  const outs = await converge(context(routes, settings, "create", guardrail, desired, people.names), people.wanted, listing);
  return { id: guardrail.id, outs };
}

export async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
  const desired = readDesired(news, GUARDRAIL_KEY);
  const { settings, client } = connect();
  const guardrail = stateGuardrail(id, olds);
  const directory = organizationDirectory(client, settings);
  const routes = guardrailRoutes(client, settings, guardrail);
  const recorded = recordedMembers<GuardrailAssignment>(olds, ASSIGNMENTS_KEY);
  // As for a workspace's members: a listing only for exclusive mode or unconfirmed users.
  const [listing, people] = await Promise.all([
    desired.exclusive || recorded.unconfirmed.length > 0 ? routes.list() : undefined,
    resolveWanted(directory, "update", guardrailSubject(desired.target), desired),
  ]);
  const outs = await converge(context(routes, settings, "update", guardrail, desired, people.names), people.wanted, listing, recorded);
  return { outs };
}

/**
 * Reads the assignments: the members still there (one moved to another guardrail of the
 * workspace by the service's rule is gone from this one: drift) and, in exclusive mode,
 * anyone else assigned. A guardrail gone takes the resource out of the state.
 */
export async function read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const guardrail = stateGuardrail(id, props);
  const oldNames = recordedNames(props);
  const directory = oldNames.emailUserIds.size > 0 ? organizationDirectory(client, settings)() : undefined;
  directory?.catch(() => undefined); // awaited below unless the listing fails first
  let assignments: GuardrailAssignment[];
  try {
    assignments = await guardrailRoutes(client, settings, guardrail).list();
  } catch (error) {
    if (error instanceof OpenRouterNotFoundError) return { id: "" };
    throw error;
  }
  const names = directory === undefined ? oldNames : namesStillTrue(oldNames, await directory);
  const desired = readDesired(props, GUARDRAIL_KEY);
  const present = reportedIn(assignments, desired, recordedMembers(props, ASSIGNMENTS_KEY).unconfirmed);
  const outs = toState(desired, guardrail, new MembershipLedger(present), names);
  return { id, props: outs, inputs: toCheckedInputs(outs) };
}

/** Unassigns the managed users (`delete` is a keyword): see `removeManaged`. */
export async function remove(id: string, props: Record<string, unknown>): Promise<void> {
  const guardrail = stateGuardrail(id, props);
  const desired = readDesired(props, GUARDRAIL_KEY);
  const connectRoutes = () => {
    const { settings, client } = connect();
    return { routes: guardrailRoutes(client, settings, guardrail), settings };
  };
  await removeManaged(connectRoutes, guardrailSubject(desired.target), desired, recordedMembers<GuardrailAssignment>(props, ASSIGNMENTS_KEY));
}

/**
 * `GET /guardrails/{id}` (and its workspace) before any change: a guardrail that is not
 * there is an `OpenRouterNotFoundError` naming `guardrailId`; one that takes no
 * assignments (a legacy guardrail with no workspace, a workspace's default guardrail) is a
 * `GuardrailRefusedError` saying what to do instead.
 */
async function resolveGuardrail(client: OpenRouterClient, guardrailId: string): Promise<GuardrailRef> {
  let guardrail;
  try {
    guardrail = await client.getGuardrail(guardrailId);
  } catch (error) {
    if (!(error instanceof OpenRouterNotFoundError)) throw error;
    const serviceMessage = `Guardrail ${quote(guardrailId)} was not found; nothing was changed. Check guardrailId (a guardrail UUID)`;
    throw new OpenRouterNotFoundError({ status: error.status, code: error.code, serviceMessage, method: error.method, path: error.path });
  }
  if (guardrail.workspaceId === null) {
    throw new GuardrailRefusedError(guardrailRefusal(guardrailId, "no-workspace", null), guardrail.id, "no-workspace", null);
  }
  const workspace = await client.getWorkspace(guardrail.workspaceId);
  if (workspace.defaultGuardrailId?.toLowerCase() === guardrail.id.toLowerCase()) {
    throw new GuardrailRefusedError(guardrailRefusal(guardrailId, "default", workspace.slug), guardrail.id, "default", workspace.id);
  }
  return { id: guardrail.id, workspaceId: workspace.id };
}

/** What carrying out a plan on the guardrail needs (see `converge`). */
function context(
  routes: MemberRoutes<GuardrailAssignment>,
  settings: Settings,
  operation: Operation,
  guardrail: GuardrailRef,
  desired: Desired,
  names: Names,
): PlanContext<GuardrailAssignment, GuardrailMembersState> {
  const toOutputs = (ledger: MembershipLedger<GuardrailAssignment>) => toState(desired, guardrail, ledger, names);
  return { routes, settings, operation, subject: guardrailSubject(desired.target), desired, id: guardrail.id, toState: toOutputs };
}

/**
 * The assignment routes of one guardrail, as the set-membership machinery uses them. An
 * assign answers with a count only (`undefined` records: the settling listing confirms
 * them). The service refuses a whole assign when some users are not members of the
 * guardrail's workspace; the workspace's member listing (made at most once, only then)
 * tells who.
 */
function guardrailRoutes(client: OpenRouterClient, settings: Settings, guardrail: GuardrailRef): MemberRoutes<GuardrailAssignment> {
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

