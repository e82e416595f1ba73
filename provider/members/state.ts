/**
 * The state of a `WorkspaceMembers` resource: what its outputs hold, how the lifecycle reads
 * the inputs and an old state, and how a ledger's snapshot becomes the outputs and the
 * inputs a refresh hands back. Pure.
 */
import type { Membership } from "../api/types";
import type { WorkspaceRef } from "../api/workspace-ref";
import { readIds, toIdMap, toIdSet, type IdSet } from "../core/sets";
import type { MembershipLedger } from "./ledger";
import { namedById, namesState, recordedNames, type Names, type NamesState } from "./names";

/** The outputs of a `WorkspaceMembers` resource, as stored in state. */
export interface MembersState extends NamesState {
  workspaceId: string;
  workspaceUuid: string;
  /** The workspace's slug, resolved at create: lets diff tell a slug from its own UUID without a call. */
  workspaceSlug?: string;
  /** Managed users the service confirmed as members (an add's answer or a listing), named by id or by email. */
  userIds: string[];
  /** Their memberships, exactly as the service returned them. */
  memberships: Membership[];
  /** Managed users whose last change was sent but neither confirmed nor refuted. */
  unconfirmedUserIds: string[];
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
}

/**
 * The checked inputs as plain values (check has already refused anything malformed). The
 * outputs echo every input, so read and delete take the same values from the state.
 */
export interface Desired {
  workspaceId: string;
  /** Read, not copied: planning tests membership and never needs the 10,000 ids sorted. */
  userIds: IdSet;
  /** Lower-cased (check made them so); resolved to users with the organization's directory. */
  emails: IdSet;
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
  /** The serialized provider (`__provider`), which a partial failure's properties must carry. */
  provider: unknown;
}

export function readDesired(inputs: Record<string, unknown>): Desired {
  const maxRemovals = typeof inputs.maxRemovals === "number" ? inputs.maxRemovals : undefined;
  return {
    workspaceId: String(inputs.workspaceId),
    userIds: readIds(inputs.userIds),
    emails: readIds(inputs.emails),
    exclusive: inputs.exclusive === true,
    protectedUserIds: toIdSet(inputs.protectedUserIds),
    ...(maxRemovals === undefined ? {} : { maxRemovals }),
    provider: inputs.__provider,
  };
}

/** What a state records: the managed members (ids and memberships), and the unconfirmed users. */
export interface RecordedMembers {
  /** Sorted. */
  userIds: string[];
  memberships: Membership[];
  /** Sorted. */
  unconfirmed: string[];
}

export function recordedMembers(state: Record<string, unknown>): RecordedMembers {
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

/**
 * The memberships of a listing this resource manages (or adopts) from here on: in exclusive
 * mode everyone, since the plan removes whoever is not wanted; in additive mode the `wanted`
 * users (named by id or by email) and those managed before, so a listed member the resource
 * never managed stays out.
 */
export function managedIn(listing: Membership[], desired: Desired, wanted: IdSet, oldManaged: readonly string[]): Membership[] {
  if (desired.exclusive) return listing;
  const managedBefore = new Set(oldManaged);
  return listing.filter((m) => wanted.has(m.userId) || managedBefore.has(m.userId));
}

/** The outputs: the inputs echoed, the ledger's record of members, and the names of those still managed. */
export function toState(desired: Desired, target: WorkspaceRef, ledger: MembershipLedger<Membership>, names: Names): MembersState {
  const { userIds, memberships, unconfirmedUserIds } = ledger.snapshot();
  return {
    workspaceId: desired.workspaceId,
    workspaceUuid: target.uuid,
    ...(target.slug === undefined ? {} : { workspaceSlug: target.slug }),
    userIds,
    memberships,
    unconfirmedUserIds,
    ...namesState(names, userIds, unconfirmedUserIds),
    exclusive: desired.exclusive,
    protectedUserIds: desired.protectedUserIds,
    ...(desired.maxRemovals === undefined ? {} : { maxRemovals: desired.maxRemovals }),
  };
}

/**
 * The inputs a refresh hands back: the checked-input form, so drift shows in the next
 * preview, each member under the name the program gave them (a user named only by email
 * is under `emails`, not `userIds`).
 */
export function toCheckedInputs(state: MembersState): Record<string, unknown> {
  return {
    workspaceId: state.workspaceId,
    userIds: toIdMap(namedById(readIds(state.userIds), recordedNames(state)).ids),
    ...(state.emails.length === 0 ? {} : { emails: toIdMap(state.emails) }),
    exclusive: state.exclusive,
    ...(state.protectedUserIds.length === 0 ? {} : { protectedUserIds: toIdMap(state.protectedUserIds) }),
    ...(state.maxRemovals === undefined ? {} : { maxRemovals: state.maxRemovals }),
  };
}
