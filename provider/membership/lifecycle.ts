/**
 * The lifecycle every set-membership resource shares, as Pulumi's dynamic-provider plugin
 * calls it: check (with the preview's `maxRemovals` guard), create, update, read and delete
 * over a {@link SetResource}, which says what the set belongs to (a workspace, a
 * guardrail), how its routes, outputs and words go, and nothing else. Loaded only at call
 * time, inside the plugin.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OpenRouterClient } from "../api/client";
import { connect } from "../api/connection";
import type { Settings } from "../api/settings";
import type { CheckedInputs } from "../core/check";
import { OpenRouterNotFoundError } from "../core/errors";
import { quote } from "../core/messages";
import type { PeopleDirectory } from "../core/people";
import type { MemberRoutes } from "./apply";
import { MembershipLedger, type MemberRecord } from "./ledger";
import { namesStillTrue, recordedNames, type Names } from "./names";
import { converge, organizationDirectory, removeManaged, resolveWanted, type MembershipSubject, type Operation, type PlanContext } from "./operation";
import { checkRemovalLimit, removalsOverLimit } from "./plan";
import { readDesired, recordedMembers, reportedIn, type Desired } from "./state";

/**
 * One set-membership resource: `R` the target as the lifecycle knows it (resolved at
 * create, read back from a state), `T` one member's record, `S` the outputs.
 */
export interface SetResource<R, T extends MemberRecord & { id: string }, S extends object> {
  /** The input naming the target, e.g. `workspaceId`. */
  targetKey: string;
  /** The output holding one record per managed member, e.g. `memberships`. */
  recordsKey: string;
  checkInputs(news: Record<string, unknown>): CheckedInputs;
  /** How errors speak of the set of `targetId`. */
  subject(targetId: string): MembershipSubject;
  /** Before any change: the target, or an error saying why it cannot be used. */
  resolve(client: OpenRouterClient, targetId: string): Promise<R>;
  /** The target a state (resource id and outputs) points at. */
  stateTarget(id: string, state: Record<string, unknown>): R;
  /** The resource id of a target. */
  idOf(target: R): string;
  /** The set's routes; `directory` is the operation's one listing of the organization, if it needs one. */
  routes(client: OpenRouterClient, settings: Settings, target: R, directory: () => Promise<PeopleDirectory>): MemberRoutes<T>;
  toState(desired: Desired, target: R, ledger: MembershipLedger<T>, names: Names): S;
  /** The inputs a refresh hands back, in the checked form. */
  toCheckedInputs(state: S): Record<string, unknown>;
}

/**
 * The inputs' rules, then the `maxRemovals` guard as far as the recorded inputs tell the
 * removals: a change over the limit fails the preview, naming the users, so that a pull
 * request goes red before it is merged.
 */
export function checkSet<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): pulumi.dynamic.CheckResult {
  const result = resource.checkInputs(news ?? {});
  if (result.failures.length > 0 || olds === null || typeof olds !== "object") return result;
  const over = removalsOverLimit(olds, result.inputs, resource.targetKey);
  if (over === undefined) return result;
  const targetId = String(result.inputs[resource.targetKey]);
  const reason = `maxRemovals: this change to ${resource.subject(targetId).noun} ${quote(targetId)} ${checkRemovalLimit(over.remove, over.maxRemovals)}`;
  return { ...result, failures: [{ property: "maxRemovals", reason }] };
}

export async function createSet<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  inputs: Record<string, unknown>,
): Promise<pulumi.dynamic.CreateResult> {
  const desired = readDesired(inputs, resource.targetKey);
  const { settings, client } = connect();
  // One listing of the directory, if any, serves the emails and the outsiders of a refused add.
  const directory = organizationDirectory(client, settings);
  // Two reads that must both succeed before anything changes: sent side by side.
  const [target, people] = await Promise.all([
    resource.resolve(client, desired.target),
    resolveWanted(directory, "create", resource.subject(desired.target), desired),
  ]);
  const routes = resource.routes(client, settings, target, directory);
  // Exclusive mode owns the whole set, so it starts from everyone who is in it now.
  const listing = desired.exclusive ? await routes.list() : undefined;
  const outs = await converge(context(resource, routes, settings, "create", target, desired, people.names), people.wanted, listing);
  return { id: resource.idOf(target), outs };
}

export async function updateSet<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  id: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<pulumi.dynamic.UpdateResult> {
  const desired = readDesired(news, resource.targetKey);
  const { settings, client } = connect();
  const target = resource.stateTarget(id, olds);
  const directory = organizationDirectory(client, settings);
  const routes = resource.routes(client, settings, target, directory);
  const recorded = recordedMembers<T>(olds, resource.recordsKey);
  // Additive mode works from the state alone (no list call), unless users whose last change
  // is unconfirmed must be settled first; exclusive mode must see everyone. One listing
  // serves both, sent beside the directory's when emails need resolving.
  const [listing, people] = await Promise.all([
    desired.exclusive || recorded.unconfirmed.length > 0 ? routes.list() : undefined,
    resolveWanted(directory, "update", resource.subject(desired.target), desired),
  ]);
  const outs = await converge(context(resource, routes, settings, "update", target, desired, people.names), people.wanted, listing, recorded);
  return { outs };
}

/**
 * A refresh: the members listed, as `reportedIn` reports them, each under the name the
 * program gave them. Emails are checked against the directory (one listing, beside the
 * set's), so that an email that no longer names the user it named shows as drift. The
 * target gone (404) takes the resource out of the state.
 */
export async function readSet<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  id: string,
  props: Record<string, unknown>,
): Promise<pulumi.dynamic.ReadResult> {
  const { settings, client } = connect();
  const target = resource.stateTarget(id, props);
  const oldNames = recordedNames(props);
  const directory = oldNames.emailUserIds.size > 0 ? organizationDirectory(client, settings)() : undefined;
  directory?.catch(() => undefined); // awaited below unless the set's listing fails first
  let listing: T[];
  try {
    listing = await resource.routes(client, settings, target, organizationDirectory(client, settings)).list();
  } catch (error) {
    if (error instanceof OpenRouterNotFoundError) return { id: "" };
    throw error;
  }
  const names = directory === undefined ? oldNames : namesStillTrue(oldNames, await directory);
  const desired = readDesired(props, resource.targetKey);
  const present = reportedIn(listing, desired, recordedMembers(props, resource.recordsKey).unconfirmed);
  const outs = resource.toState(desired, target, new MembershipLedger(present), names);
  return { id: resource.idOf(target), props: outs, inputs: resource.toCheckedInputs(outs) };
}

/** A delete: see `removeManaged`. */
export async function removeSet<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  id: string,
  props: Record<string, unknown>,
): Promise<void> {
  const target = resource.stateTarget(id, props);
  const desired = readDesired(props, resource.targetKey);
  const connectRoutes = () => {
    const { settings, client } = connect();
    return { routes: resource.routes(client, settings, target, organizationDirectory(client, settings)), settings };
  };
  await removeManaged(connectRoutes, resource.subject(desired.target), desired, recordedMembers<T>(props, resource.recordsKey));
}

/** What carrying out a plan on the set needs (see `converge`). */
function context<R, T extends MemberRecord & { id: string }, S extends object>(
  resource: SetResource<R, T, S>,
  routes: MemberRoutes<T>,
  settings: Settings,
  operation: Operation,
  target: R,
  desired: Desired,
  names: Names,
): PlanContext<T, S> {
  const toState = (ledger: MembershipLedger<T>) => resource.toState(desired, target, ledger, names);
  return { routes, settings, operation, subject: resource.subject(desired.target), desired, id: resource.idOf(target), toState };
}
