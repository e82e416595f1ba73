/**
 * Pure planning of a set-membership resource (the members of a workspace, the direct
 * members of a guardrail): the create, update and delete plans, the removal guards
 * (protected users, `maxRemovals`) and the engine-facing diff. No I/O, so every rule is
 * table-tested on its own (test/members/plan.test.ts) and the lifecycle is a thin loop over
 * what these functions return.
 */
import { asIdSet, differences, readIds, sameSet, type IdSet } from "../core/sets";
import { formatIds } from "../core/messages";
import { isUnknown } from "../core/unknowns";
import { namedById, recordedNames } from "./names";

/**
 * What one create, update or delete will do to the set (a workspace's members, a guardrail's). Every list is sorted. Wanted
 * users who are members already need no request and appear in none of them: their
 * membership comes from the listing when one was made, else from the old state.
 */
export interface MemberPlan {
  /** Users to send to bulk add. */
  add: string[];
  /** Users to send to bulk remove. */
  remove: string[];
  /**
   * Users that `remove` leaves alone only because they are protected (current members, or
   * previously managed users, that the mode would otherwise remove). For messages and logs.
   */
  spared: string[];
}

/** The inputs of {@link planCreate}. */
export interface CreatePlanInput {
  /** The users to manage (`userIds`). */
  wanted: Iterable<string> | IdSet;
  /** `true`: everyone else except protected users is removed. */
  exclusive: boolean;
  /** `protectedUserIds`: never removed. */
  protectedIds?: Iterable<string>;
  /**
   * The set's members from a listing made just before. Required when `exclusive`;
   * optional otherwise (when given, users already members are kept instead of re-added).
   */
  currentMembers?: Iterable<string>;
}

/** The inputs of {@link planUpdate}. */
export interface UpdatePlanInput extends CreatePlanInput {
  /**
   * The users the old state manages: its `userIds`, and its `unconfirmedUserIds` (whose
   * last change may or may not have happened; the caller lists the members to settle them).
   */
  oldManaged: Iterable<string> | IdSet;
}

/** The inputs of {@link planDelete}. */
export interface DeletePlanInput {
  /** The users the state manages (outputs' `userIds`). */
  managed: Iterable<string> | IdSet;
  /** `protectedUserIds` from the outputs: never removed. */
  protectedIds?: Iterable<string>;
  /** Members from a listing, if one was made: users already gone need no request. */
  currentMembers?: Iterable<string>;
}

/**
 * Plans a create: add every wanted user (adopting those already members); in exclusive
 * mode also remove every current member that is neither wanted nor protected. Throws when
 * `exclusive` is set without `currentMembers` (a caller bug: exclusive needs the listing).
 */
export function planCreate(input: CreatePlanInput): MemberPlan {
  return planUpdate({ ...input, oldManaged: [] });
}

/**
 * Plans an update from the old managed set to the wanted one.
 * - add: wanted users not yet members (per the listing if given, else per the old state);
 * - remove, additive mode: previously managed users no longer wanted; nobody else;
 * - remove, exclusive mode: every current member not wanted (managed or not);
 * - never a protected user, in either mode.
 * A protected user dropped from `wanted` is neither removed nor kept: it stays in the
 * set and leaves the managed set.
 * Throws when `exclusive` is set without `currentMembers` (a caller bug).
 */
export function planUpdate(input: UpdatePlanInput): MemberPlan {
  if (input.exclusive && input.currentMembers === undefined) {
    throw new TypeError("exclusive planning needs currentMembers (the set's member listing)");
  }
  // Sets are compared by lookups (a keyed map's, a sorted list's search), never sorted
  // whole: an update of 10,000 users makes one pass over each set, and only the (usually
  // short) lists of changes are sorted.
  const wanted = asIdSet(input.wanted);
  const oldManaged = asIdSet(input.oldManaged);
  const listed = input.currentMembers === undefined ? undefined : asIdSet(input.currentMembers);
  const guarded = new Set(input.protectedIds ?? []);
  const present = listed ?? oldManaged;

  const { onlyInA: missing, onlyInB: notWanted } = differences(wanted, present);
  // Exclusive mode owns the whole set; additive mode only what it managed before.
  const unwanted = input.exclusive || listed === undefined ? notWanted : oldManaged.ids.filter((id) => listed.has(id) && !wanted.has(id));
  return {
    add: missing.sort(),
    remove: unwanted.filter((id) => !guarded.has(id)).sort(),
    spared: unwanted.filter((id) => guarded.has(id)).sort(),
  };
}

/**
 * Plans a delete: remove the managed users except protected ones, and (when a listing is
 * given) except those no longer members. Nothing is ever added or kept.
 */
export function planDelete(input: DeletePlanInput): MemberPlan {
  const guarded = new Set(input.protectedIds ?? []);
  const members = input.currentMembers === undefined ? undefined : asIdSet(input.currentMembers);
  const candidates = asIdSet(input.managed).ids.filter((id) => members === undefined || members.has(id));
  return {
    add: [],
    remove: candidates.filter((id) => !guarded.has(id)).sort(),
    spared: candidates.filter((id) => guarded.has(id)).sort(),
  };
}

/**
 * The `maxRemovals` guard, to be called with the planned removals before any request that
 * changes anything. Returns the reason to refuse, naming the count, the limit and the first
 * users, or `undefined` when within the limit (or when no limit is set).
 */
export function checkRemovalLimit(remove: readonly string[], maxRemovals: number | undefined | null): string | undefined {
  if (maxRemovals === undefined || maxRemovals === null || remove.length <= maxRemovals) return undefined;
  const users = remove.length === 1 ? "1 user" : `${remove.length} users`;
  return `would remove ${users} (${formatIds(remove)}), more than maxRemovals (${maxRemovals}); raise maxRemovals or split the change`;
}

/**
 * The `maxRemovals` guard as a preview can apply it, in `check`, from the inputs the state
 * records (`olds`) and the program's new ones: the users recorded and no longer wanted nor
 * protected, on the same target (the input `targetKey` names). In additive mode that is what `up` removes (the state's
 * inputs are its managed users; after a refresh, those still there); in exclusive mode `up`
 * also removes members it finds by listing, and guards those itself. Undefined within the
 * limit, without one, on another target (`up` guards the delete that a move starts with),
 * when emails name people, or while an input is a preview unknown.
 *
 * Not in `diff`: the Pulumi CLI calls `diff` during `pulumi refresh` too, comparing the
 * refreshed outputs with the old inputs, and a throw there would break refresh.
 */
export function removalsOverLimit(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  targetKey: string,
): { remove: string[]; maxRemovals: number } | undefined {
  const maxRemovals = limitOf(news.maxRemovals);
  if (maxRemovals === undefined || olds[targetKey] !== news[targetKey]) return undefined;
  // Whom emails name is known only from the directory, which check never reads: a user moved
  // from userIds to emails is no removal, so with emails on either side `up` alone guards.
  if (readIds(olds.emails).ids.length > 0 || readIds(news.emails).ids.length > 0) return undefined;
  const wanted = readIds(news.userIds);
  const guarded = readIds(news.protectedUserIds);
  if (wanted.unknown || guarded.unknown) return undefined;
  const remove = readIds(olds.userIds).ids.filter((id) => !wanted.has(id) && !guarded.has(id));
  return remove.length > maxRemovals ? { remove: remove.sort(), maxRemovals } : undefined;
}

/** The engine-facing diff result (the shape of `pulumi.dynamic.DiffResult`). */
export interface MembersDiff {
  /** `true` some change, `false` none, `undefined` not knowable before apply (preview unknowns). */
  changes: boolean | undefined;
  /** Properties whose change replaces the resource (only ever the target's id). */
  replaces: string[];
  /** Set with `replaces`: the old resource must go before the new one comes. */
  deleteBeforeReplace?: boolean;
}

/**
 * The diff of everything but the target (the workspace or guardrail, which each resource
 * compares its own way), from the old *outputs* in state and the new *checked* inputs, with
 * no API call. Sets compare as sets whatever their form (array-form state against map-form
 * inputs with the same members is no change), an absent set is empty, an absent
 * `exclusive` is `false`, and `maxRemovals` compares as "number or absent" (setting,
 * changing or dropping it is an update, since `delete` reads it from the outputs).
 *
 * People compare under the names the program gave them: the old state's users named by id
 * against the new `userIds`, its emails whose user is a member against the new `emails`
 * (see names.ts), so a user named by email is never a change of `userIds`.
 *
 * Users recorded as unconfirmed (a change whose fate is unknown) make a change whatever the
 * inputs: the next `up` must run to settle them. Preview unknowns give `changes:
 * undefined`. Never throws.
 */
export function diffMemberSets(olds: Record<string, unknown>, news: Record<string, unknown>): MembersDiff {
  const userIds = readIds(news.userIds);
  const emails = readIds(news.emails);
  const protectedIds = readIds(news.protectedUserIds);
  if (userIds.unknown || emails.unknown || protectedIds.unknown || isUnknown(news.exclusive) || isUnknown(news.maxRemovals)) {
    return { changes: undefined, replaces: [] };
  }
  const changed =
    !sameSet(namedById(readIds(olds.userIds), recordedNames(olds)), userIds) ||
    !sameSet(readIds(olds.emails), emails) ||
    (olds.exclusive === true) !== (news.exclusive === true) ||
    !sameSet(readIds(olds.protectedUserIds), protectedIds) ||
    limitOf(olds.maxRemovals) !== limitOf(news.maxRemovals) ||
    readIds(olds.unconfirmedUserIds).ids.length > 0;
  return { changes: changed, replaces: [] };
}

function limitOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
