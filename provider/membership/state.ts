/**
 * What every set-membership state shares: how the lifecycle reads the checked inputs and an
 * old state's record of members, which listed members a resource manages, and the inputs a
 * refresh hands back. Each resource's own state.ts adds its outputs' shape. Pure.
 */
import { readIds, toIdMap, toIdSet, type IdSet } from "../core/sets";
import type { MemberRecord } from "./ledger";
import { namedById, recordedNames, type NamesState } from "./names";

/**
 * The checked inputs as plain values (check has already refused anything malformed). The
 * outputs echo every input, so read and delete take the same values from the state.
 */
export interface Desired {
  /** The target's id as the program gave it (`workspaceId`, `guardrailId`). */
  target: string;
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

/** `targetKey`: the input naming the target, e.g. `workspaceId`. */
export function readDesired(inputs: Record<string, unknown>, targetKey: string): Desired {
  const maxRemovals = typeof inputs.maxRemovals === "number" ? inputs.maxRemovals : undefined;
  return {
    target: String(inputs[targetKey]),
    userIds: readIds(inputs.userIds),
    emails: readIds(inputs.emails),
    exclusive: inputs.exclusive === true,
    protectedUserIds: toIdSet(inputs.protectedUserIds),
    ...(maxRemovals === undefined ? {} : { maxRemovals }),
    provider: inputs.__provider,
  };
}

/** What a state records: the managed members (ids and records), and the unconfirmed users. */
export interface RecordedMembers<T extends MemberRecord> {
  /** Sorted. */
  userIds: string[];
  records: T[];
  /** Sorted. */
  unconfirmed: string[];
}

/** `recordsKey`: the output holding one record per managed member, e.g. `memberships`. */
export function recordedMembers<T extends MemberRecord & { id: string }>(state: Record<string, unknown>, recordsKey: string): RecordedMembers<T> {
  const userIds = toIdSet(state.userIds);
  const unconfirmed = toIdSet(state.unconfirmedUserIds);
  const stored = state[recordsKey];
  const recorded = Array.isArray(stored) ? (stored as T[]) : [];
  // As written by this provider: one record the service returned per managed user, in the same order.
  if (recorded.length === userIds.length && userIds.every((userId, i) => recorded[i]?.userId === userId && recorded[i].id !== "")) {
    return { userIds, records: recorded, unconfirmed };
  }
  // Otherwise userIds is the authority on who is managed, and a managed user without such a
  // record (states written before unconfirmedUserIds existed kept an empty id for them)
  // counts as unconfirmed: the listing that settles those settles it too.
  const byUser = new Map(
    recorded.filter((m) => m && typeof m.userId === "string" && typeof m.id === "string" && m.id !== "").map((m) => [m.userId, m]),
  );
  const records: T[] = [];
  const missing: string[] = [];
  for (const userId of userIds) {
    const record = byUser.get(userId);
    if (record === undefined) missing.push(userId);
    else records.push(record);
  }
  return { userIds: records.map((m) => m.userId), records, unconfirmed: toIdSet([...unconfirmed, ...missing]) };
}

/**
 * The records of a listing this resource manages (or adopts) from here on: in exclusive
 * mode everyone, since the plan removes whoever is not wanted; in additive mode the `wanted`
 * users (named by id or by email) and those managed before, so a listed member the resource
 * never managed stays out.
 */
export function managedIn<T extends MemberRecord>(listing: T[], desired: Desired, wanted: IdSet, oldManaged: readonly string[]): T[] {
  if (desired.exclusive) return listing;
  const managedBefore = new Set(oldManaged);
  return listing.filter((m) => wanted.has(m.userId) || managedBefore.has(m.userId));
}

/**
 * What a refresh reports of a listing: managed users still there (an unconfirmed one is
 * settled by what the listing shows) and, in exclusive mode, anyone else who is not
 * protected (a member added by hand is drift the next update removes).
 */
export function reportedIn<T extends MemberRecord>(listing: T[], desired: Desired, unconfirmed: readonly string[]): T[] {
  const protectedIds = new Set(desired.protectedUserIds);
  const unsettled = new Set(unconfirmed);
  return listing.filter(
    (m) => desired.userIds.has(m.userId) || unsettled.has(m.userId) || (desired.exclusive && !protectedIds.has(m.userId)),
  );
}

/** The outputs every set-membership state has (beside its target and its records). */
export interface MemberSetState extends NamesState {
  userIds: string[];
  unconfirmedUserIds: string[];
  exclusive: boolean;
  protectedUserIds: string[];
  maxRemovals?: number;
}

/**
 * The inputs a refresh hands back: the checked-input form, so drift shows in the next
 * preview, each member under the name the program gave them (a user named only by email
 * is under `emails`, not `userIds`). `targetKey` names the target's input, echoed first.
 */
export function checkedInputsOf(targetKey: string, targetId: string, state: MemberSetState): Record<string, unknown> {
  return {
    [targetKey]: targetId,
    userIds: toIdMap(namedById(readIds(state.userIds), recordedNames(state)).ids),
    ...(state.emails.length === 0 ? {} : { emails: toIdMap(state.emails) }),
    exclusive: state.exclusive,
    ...(state.protectedUserIds.length === 0 ? {} : { protectedUserIds: toIdMap(state.protectedUserIds) }),
    ...(state.maxRemovals === undefined ? {} : { maxRemovals: state.maxRemovals }),
  };
}
