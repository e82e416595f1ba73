/**
 * How a set-membership state remembers the names its program gave people: by user id, by
 * email, or both. The state's `userIds` hold everyone managed, whichever way they were
 * named; beside them it records which user each managed email named when it was last
 * resolved (`emailUserIds`) and who was named both ways. From that, with no directory,
 * diff and refresh tell which managed users the program names by id and which emails are
 * members, and an update that drops an email removes the user that email named, even if the
 * directory has since given that person another email. Pure.
 */
import type { PeopleDirectory, ResolvedPeople } from "../core/people";
import { readIds, toIdSet, type IdSet } from "../core/sets";

/** The names of a resource's people, as its state records them. */
export interface Names {
  /** Each managed email (lower-cased) → the user it named when last resolved. */
  readonly emailUserIds: ReadonlyMap<string, string>;
  /** Users that an email names and the program lists by id too. */
  readonly doublyNamed: ReadonlySet<string>;
}

/** Nobody named by email: what every state written before emails existed records. */
export const NO_NAMES: Names = { emailUserIds: new Map(), doublyNamed: new Set() };

/** What the outputs store of the names. */
export interface NamesState {
  /** Sorted: the managed emails whose user is a member. */
  emails: string[];
  /** Every managed email (its user a member or unconfirmed) → that user, keys sorted. */
  emailUserIds: Record<string, string>;
  /** Sorted: users the program names both by id and by email. */
  doublyNamedUserIds: string[];
}

/** The names of a resolution (`userIds` the ids the program lists, `resolved` what its emails named). */
export function resolvedNames(userIds: IdSet, resolved: ResolvedPeople): Names {
  if (resolved.emailUserIds.size === 0) return NO_NAMES;
  const doublyNamed = new Set<string>();
  for (const userId of resolved.emailUserIds.values()) if (userIds.has(userId)) doublyNamed.add(userId);
  return { emailUserIds: resolved.emailUserIds, doublyNamed };
}

/** The names a state records; anything malformed or absent counts as nobody named by email. */
export function recordedNames(state: { emailUserIds?: unknown; doublyNamedUserIds?: unknown }): Names {
  const recorded = state.emailUserIds;
  if (recorded === null || typeof recorded !== "object" || Array.isArray(recorded)) return NO_NAMES;
  const emailUserIds = new Map<string, string>();
  for (const [email, userId] of Object.entries(recorded)) {
    if (typeof userId === "string" && userId !== "") emailUserIds.set(email, userId);
  }
  if (emailUserIds.size === 0) return NO_NAMES;
  return { emailUserIds, doublyNamed: new Set(toIdSet(state.doublyNamedUserIds)) };
}

/**
 * Of the `managed` users, those the program names by id: all of them, but for the users
 * only an email names. Read in place when nobody is named by email (the common case: a
 * 10,000-user set is not copied).
 */
export function namedById(managed: IdSet, names: Names): IdSet {
  if (names.emailUserIds.size === 0) return managed;
  const emailOnly = new Set<string>();
  for (const userId of names.emailUserIds.values()) if (!names.doublyNamed.has(userId)) emailOnly.add(userId);
  return readIds(managed.ids.filter((userId) => !emailOnly.has(userId)));
}

/**
 * The names of the users still managed after an operation: `members` (sorted; confirmed)
 * and `unconfirmed`. An email whose user is neither is no longer recorded.
 */
export function namesState(names: Names, members: readonly string[], unconfirmed: readonly string[]): NamesState {
  if (names.emailUserIds.size === 0) return { emails: [], emailUserIds: {}, doublyNamedUserIds: [] };
  const isMember = new Set(members);
  const isUnconfirmed = new Set(unconfirmed);
  const emails: string[] = [];
  const emailUserIds: Record<string, string> = {};
  const doublyNamed = new Set<string>();
  for (const email of [...names.emailUserIds.keys()].sort()) {
    const userId = names.emailUserIds.get(email) as string;
    if (!isMember.has(userId) && !isUnconfirmed.has(userId)) continue;
    emailUserIds[email] = userId;
    if (isMember.has(userId)) emails.push(email);
    if (names.doublyNamed.has(userId)) doublyNamed.add(userId);
  }
  return { emails, emailUserIds, doublyNamedUserIds: [...doublyNamed].sort() };
}

/**
 * The names a refresh keeps: only emails the directory still gives to the user they named.
 * An email that now names nobody, or someone else, is dropped, so the next preview shows it
 * to be added back, and the update that follows resolves it afresh (or fails naming it).
 */
export function namesStillTrue(names: Names, directory: PeopleDirectory): Names {
  const emailUserIds = new Map<string, string>();
  for (const [email, userId] of names.emailUserIds) if (directory.userIdOf(email) === userId) emailUserIds.set(email, userId);
  if (emailUserIds.size === names.emailUserIds.size) return names;
  const stillNamed = new Set(emailUserIds.values());
  return { emailUserIds, doublyNamed: new Set([...names.doublyNamed].filter((userId) => stillNamed.has(userId))) };
}
