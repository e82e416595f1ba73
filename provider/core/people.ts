/**
 * People named two ways, by user id or by email, made one set of user ids with the
 * organization's directory. Every set-membership resource and the members file resolve
 * people here; none of it knows workspaces. Pure: the directory comes in as a listing,
 * read once into a map from lower-cased email to user id, so resolving n emails costs n
 * lookups whatever the size of the organization.
 */
import { normalizeEmail } from "./ids";
import { IDS_SHOWN, closestName } from "./messages";
import { asIdSet, type IdSet } from "./sets";

/** One person of the organization's directory, as far as resolution needs them. */
export interface DirectoryPerson {
  readonly userId: string;
  readonly email: string;
}

/** The organization's directory, read once for lookups by email (any case) and by user id. */
export class PeopleDirectory {
  readonly #userIdByEmail = new Map<string, string>();
  readonly #userIds = new Set<string>();
  #emails: string[] | undefined;
  #sortedUserIds: string[] | undefined;

  constructor(people: Iterable<DirectoryPerson>) {
    for (const person of people) {
      this.#userIdByEmail.set(normalizeEmail(person.email), person.userId);
      this.#userIds.add(person.userId);
    }
  }

  /** The user an email names, or `undefined` when no member of the organization has it. */
  userIdOf(email: string): string | undefined {
    return this.#userIdByEmail.get(normalizeEmail(email));
  }

  /** Whether the organization has this user. */
  has(userId: string): boolean {
    return this.#userIds.has(userId);
  }

  /** The directory's email (lower-cased) that `email` most likely misspells, if one is near. */
  closestEmail(email: string): string | undefined {
    this.#emails ??= [...this.#userIdByEmail.keys()].sort();
    return closestName(email, this.#emails);
  }

  /** The directory's user id that `userId` most likely misspells, if one is near. */
  closestUserId(userId: string): string | undefined {
    this.#sortedUserIds ??= [...this.#userIds].sort();
    return closestName(userId, this.#sortedUserIds);
  }
}

/** An email that names no member of the organization. */
export interface UnknownEmail {
  /** As given, lower-cased. */
  email: string;
  /** The directory's email it most likely misspells, when one is near (looked up for the first few only). */
  closest?: string;
}

/** People named by id and by email, as one set of user ids. */
export interface ResolvedPeople {
  /** Every user named, once, whichever way (or both ways) they were named. */
  userIds: IdSet;
  /** Each email (lower-cased) that names someone → that user. */
  emailUserIds: Map<string, string>;
  /** Emails that name nobody, in the order given; empty when every email resolved. */
  unknown: UnknownEmail[];
}

/**
 * Resolves `emails` through `directory` and joins the users they name to `userIds`. User ids
 * are taken as they are (the service refuses one the organization does not have when it is
 * added); only emails need the directory.
 */
export function resolvePeople(
  named: { userIds: IdSet | Iterable<string>; emails: Iterable<string> },
  directory: PeopleDirectory,
): ResolvedPeople {
  const byId = asIdSet(named.userIds);
  const emailUserIds = new Map<string, string>();
  const unknown: UnknownEmail[] = [];
  const seenUnknown = new Set<string>();
  const extra = new Set<string>();
  for (const given of named.emails) {
    const email = normalizeEmail(given);
    if (emailUserIds.has(email) || seenUnknown.has(email)) continue;
    const userId = directory.userIdOf(email);
    if (userId === undefined) {
      seenUnknown.add(email);
      unknown.push({ email });
      continue;
    }
    emailUserIds.set(email, userId);
    if (!byId.has(userId)) extra.add(userId);
  }
  // Each suggestion compares against every email of the organization: only those a
  // message will show are looked up.
  for (const entry of unknown.slice(0, IDS_SHOWN)) {
    const closest = directory.closestEmail(entry.email);
    if (closest !== undefined) entry.closest = closest;
  }
  const userIds = extra.size === 0 ? byId : asIdSet([...byId.ids, ...extra]);
  return { userIds, emailUserIds, unknown };
}
